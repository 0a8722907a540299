"""The L1 and L2 update rules derived with SymPy from their regularized costs.

For one weight w with data gradient g = ∂J/∂w, learning rate α and strength λ,

.. math::  J_{L_1} = J + \\lambda |w| \\;\\Rightarrow\\; w \\leftarrow w - \\alpha\\lambda\\,\\mathrm{sign}(w) - \\alpha g,
           \\qquad J_{L_2} = J + \\lambda w^2 \\;\\Rightarrow\\; w \\leftarrow w - 2\\alpha\\lambda w - \\alpha g.

Each function returns SymPy expressions in the symbols of :data:`SYMBOLS`; the chapter
prints them and the tests compare them, through ``lambdify``, with the numerical rules of
:mod:`initreg.penalties` and :mod:`initreg.minimizers`. See {ref}`chap-update-rules` and {ref}`chap-landscapes`.
"""

from __future__ import annotations

import sympy as sp

from .. import _validate as v

__all__ = [
    "SYMBOLS",
    "penalty_costs",
    "penalty_derivatives",
    "abs_subdifferential_at_zero",
    "update_rules",
    "weight_decay_form",
    "l2_decay_coefficients",
    "l2_conversion_factor",
    "l2_per_example_coefficients",
    "soft_threshold_derivation",
    "l2_proximal_step",
    "lasso_two_feature_zero",
]

_w = sp.Symbol("w", real=True)
_alpha = sp.Symbol("alpha", positive=True)
_lam = sp.Symbol("lambda", nonnegative=True)
_g = sp.Symbol("g", real=True)  # ∂J/∂w

#: The symbols of every expression here: a weight ``w``, the learning rate ``alpha``, the
#: strength ``lambda`` and the data gradient ``g`` = ∂J/∂w.
SYMBOLS: dict[str, sp.Symbol] = {"w": _w, "alpha": _alpha, "lambda": _lam, "g": _g}

_PENALTY_NAMES = ("l1", "l2")


def penalty_costs() -> dict[str, sp.Expr]:
    """The source article's per-weight penalties: ``λ|w|`` (L1) and ``λw²`` (L2)."""
    return {"l1": _lam * sp.Abs(_w), "l2": _lam * _w**2}


def penalty_derivatives() -> dict[str, sp.Expr]:
    """``d(λ|w|)/dw = λ·sign(w)`` and ``d(λw²)/dw = 2λw``, differentiated by SymPy.

    SymPy's ``sign(0) = 0``, which is one valid subgradient of |w| at 0
    (see :func:`abs_subdifferential_at_zero`).
    """
    return {name: sp.diff(cost, _w) for name, cost in penalty_costs().items()}


def abs_subdifferential_at_zero() -> sp.Interval:
    """The subdifferential of |w| at 0, ``[−1, 1]``, from its one-sided derivatives.

    The left and right difference quotients ``(|h| − |0|)/h`` tend to −1 and +1; every g
    between them satisfies ``|u| ≥ |0| + g·u`` for all u, which is what makes g a subgradient.
    """
    h = sp.Symbol("h", real=True)
    quotient = (sp.Abs(h) - sp.Abs(sp.Integer(0))) / h
    left = sp.limit(quotient, h, 0, dir="-")
    right = sp.limit(quotient, h, 0, dir="+")
    return sp.Interval(left, right)


def update_rules() -> dict[str, sp.Expr]:
    """One gradient step ``w − α·∂(J + P)/∂w`` on each regularized cost, expanded.

    Gives the article's exact forms ``w − αλ·sign(w) − αg`` and ``w − 2αλw − αg``.
    """
    return {name: sp.expand(_w - _alpha * (_g + d)) for name, d in penalty_derivatives().items()}


def weight_decay_form() -> sp.Expr:
    """The L2 rule collected in w: ``(1 − 2αλ)·w − αg``, a decay of every weight by 1 − 2αλ."""
    return sp.collect(update_rules()["l2"], _w)


def l2_decay_coefficients() -> dict[str, sp.Expr]:
    """The coefficient of w in the gradient of each library's L2 penalty, per unit of its strength λ.

    ``article``/``keras``: ``λw²`` → 2λ; ``pytorch``/``d2l``: ``(λ/2)w²`` → λ;
    ``playground``: ``λ·½w²`` → λ (λ being the Playground's regularization rate).
    """
    written = {
        "article": _lam * _w**2,
        "keras": _lam * _w**2,
        "pytorch": _lam / 2 * _w**2,
        "d2l": _lam / 2 * _w**2,
        "playground": _lam * sp.Rational(1, 2) * _w**2,
    }
    return {name: sp.simplify(sp.diff(p, _w) / _w) for name, p in written.items()}


def l2_conversion_factor(source: str, target: str) -> sp.Expr:
    """The factor k with ``λ_target = k·λ_source`` for the same update: solves κ_t(λ_t) = κ_s(λ_s)."""
    coeffs = l2_decay_coefficients()
    v.choice(source, "source", coeffs)
    v.choice(target, "target", coeffs)
    lam_s, lam_t = sp.symbols("lambda_s lambda_t", positive=True)
    sol = sp.solve(sp.Eq(coeffs[target].subs(_lam, lam_t), coeffs[source].subs(_lam, lam_s)), lam_t)
    return sp.simplify(sol[0] / lam_s)


def l2_per_example_coefficients() -> dict[str, sp.Expr]:
    """The coefficient of w in the gradient of the conventions that divide λ by the number
    m of training examples, relative to the mean loss J, per unit of their λ.

    Each cost is written with a generic J(w) and divided by its coefficient of J (which
    does not move its minimizer); the derivative of what is left beside J is κ·w.
    ``ng``: J + (λ/2m)w² → λ/m; ``summed``: m·J + (λ/2)w² → λ/m. See {ref}`chap-views`.
    """
    m = sp.Symbol("m", positive=True, integer=True)
    J = sp.Function("J")(_w)
    written = {"ng": J + _lam / (2 * m) * _w**2, "summed": m * J + _lam / 2 * _w**2}
    out = {}
    for name, cost in written.items():
        per_J = sp.expand(cost / cost.coeff(J))
        out[name] = sp.simplify((sp.diff(per_J, _w) - sp.diff(J, _w)) / _w)
    return out


def soft_threshold_derivation() -> sp.Piecewise:
    """The proximal map of ``t|u|``: ``argmin_u ½(u − z)² + t|u|``, solved region by region.

    For u > 0 stationarity gives u = z − t (valid when z > t); for u < 0, u = z + t (valid
    when z < −t); otherwise 0 is optimal, since 0 ∈ (0 − z) + t·[−1, 1] when |z| ≤ t.
    """
    u = sp.Symbol("u", real=True)
    z = sp.Symbol("z", real=True)
    t = sp.Symbol("t", nonnegative=True)
    pos = sp.solve(sp.diff((u - z) ** 2 / 2 + t * u, u), u)[0]
    neg = sp.solve(sp.diff((u - z) ** 2 / 2 - t * u, u), u)[0]
    return sp.Piecewise((pos, sp.Gt(pos, 0)), (neg, sp.Lt(neg, 0)), (0, True))


def l2_proximal_step() -> sp.Expr:
    """The proximal step of the L2 penalty on the data step u = w − αg, solved by SymPy:
    ``argmin_v ½(v − u)² + αλv²`` = ``u/(1 + 2αλ)`` (the objective is strictly convex in v,
    so its one stationary point is the minimizer). In the symbols of :data:`SYMBOLS`.
    See {ref}`chap-update-rules`.
    """
    v_ = sp.Symbol("v", real=True)
    u = _w - _alpha * _g
    (sol,) = sp.solve(sp.diff((v_ - u) ** 2 / 2 + _alpha * _lam * v_**2, v_), v_)
    return sp.simplify(sol)


def lasso_two_feature_zero(k: int = 2) -> sp.Expr:
    """The λ at which coordinate k (1 or 2) of the two-feature L1 minimizer reaches 0.

    While both coordinates are non-zero with signs s₁, s₂, the KKT conditions
    ``G w − c + λ s = 0`` (G = XᵀX/m, c = Xᵀy/m) give ``w(λ) = G⁻¹(c − λ s)``, linear in λ;
    coordinate k vanishes where its component is 0. For k = 2:
    ``λ = (G₁₁c₂ − G₁₂c₁)/(G₁₁s₂ − G₁₂s₁)``. Above that λ the other coordinate j is alone,
    ``w_j = (c_j − λs_j)/G_jj``, and vanishes at ``λ = |c_j|``, which is
    ``λ_max = ‖c‖∞`` when j is the coordinate that entered first.
    """
    if isinstance(k, bool) or not hasattr(k, "__index__") or k.__index__() not in (1, 2):
        raise ValueError(f"k must be 1 or 2 (the coordinate); got {k!r}")
    k = k.__index__()
    g11, g12, g22, c1, c2, s1, s2, lam = sp.symbols("G11 G12 G22 c1 c2 s1 s2 lambda", real=True)
    G = sp.Matrix([[g11, g12], [g12, g22]])
    w = G.LUsolve(sp.Matrix([c1 - lam * s1, c2 - lam * s2]))
    return sp.simplify(sp.solve(sp.Eq(w[k - 1], 0), lam)[0])
