"""Input dropout on linear regression is, in expectation, a ridge penalty with a weight per
input. See {ref}`chap-at-work`.

Inverted dropout keeps each input ``x_ij`` with probability 1 − p and scales it by
``1/(1 − p)``: the model sees ``x̃_ij = x_ij δ_ij/(1 − p)`` with independent
``δ_ij ~ Bernoulli(1 − p)``, so ``E[x̃_ij] = x_ij`` and ``Var[x̃_ij] = p/(1 − p)·x_ij²``.
For ``J(w) = ‖Xw − y‖²/(2m)`` this gives

.. math::  \\mathbb{E}_\\delta\\, J_{\\text{drop}}(w) = J(w) + \\sum_j \\lambda_j w_j^2, \\qquad
           \\lambda_j = \\frac{p}{1 - p}\\,\\frac{\\sum_i x_{ij}^2}{2m},

the book's ``λΣw²`` with a strength per input (:func:`dropout_ridge_weights`); on the
un-normalized squared error ``‖y − X̃w‖²`` the weight is ``p/(1 − p)·Σᵢ x_ij²``
(Srivastava et al. 2014, §9.1, who write it with the retention probability 1 − p).
Its minimizer is ``(XᵀX/m + 2 diag(λ))⁻¹Xᵀy/m`` (:func:`dropout_ridge_minimizer`).

:func:`dropout_expectation` derives the identity for one example with SymPy;
:func:`sampled_dropout` checks it by drawing masks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import _validate as v
from .minimizers import regularized_minimizer

__all__ = [
    "dropout_ridge_weights",
    "expected_dropout_loss",
    "expected_dropout_gradient",
    "dropout_ridge_minimizer",
    "dropout_expectation",
    "SampledDropout",
    "sampled_dropout",
]


def _args(X: object, y: object, p: object) -> tuple[np.ndarray, np.ndarray, float]:
    X = v.array(X, "X", ndim=2)
    y = v.array(y, "y", ndim=1)
    if X.shape[0] != y.shape[0] or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X (one row per example) and y must be non-empty with as many rows; got shapes "
                         f"{X.shape} and {y.shape}")
    p = v.real(p, "p", low=0.0)
    if p >= 1.0:
        raise ValueError(f"p must be in [0, 1), the probability of dropping an input; got {p!r}")
    return X, y, p


def _coef(w: object, n: int) -> np.ndarray:
    w = v.array(w, "w", ndim=1)
    if w.shape[0] != n:
        raise ValueError(f"w must have one entry per column of X ({n}); got {w.shape[0]}")
    return w


def dropout_ridge_weights(X: np.ndarray, p: float) -> np.ndarray:
    """``λ_j = p/(1 − p)·Σᵢ x_ij²/(2m)``: the L2 strength (book convention, J = ‖Xw − y‖²/(2m)
    plus λΣw²) that input dropout with probability p puts on each weight, in expectation."""
    X = v.array(X, "X", ndim=2)
    if X.shape[0] == 0:
        raise ValueError("X must have at least one row")
    p = v.real(p, "p", low=0.0)
    if p >= 1.0:
        raise ValueError(f"p must be in [0, 1), the probability of dropping an input; got {p!r}")
    return p / (1.0 - p) * (X * X).sum(axis=0) / (2.0 * X.shape[0])


def expected_dropout_loss(X: np.ndarray, y: np.ndarray, w: np.ndarray, p: float) -> float:
    """``J(w) + Σ_j λ_j w_j²``: the mean over masks of the dropped cost, in closed form."""
    X, y, p = _args(X, y, p)
    w = _coef(w, X.shape[1])
    r = X @ w - y
    return float(r @ r) / (2 * X.shape[0]) + float(dropout_ridge_weights(X, p) @ (w * w))


def expected_dropout_gradient(X: np.ndarray, y: np.ndarray, w: np.ndarray, p: float) -> np.ndarray:
    """``Xᵀ(Xw − y)/m + 2λ⊙w``: the mean over masks of the dropped cost's gradient."""
    X, y, p = _args(X, y, p)
    w = _coef(w, X.shape[1])
    return X.T @ (X @ w - y) / X.shape[0] + 2.0 * dropout_ridge_weights(X, p) * w


def dropout_ridge_minimizer(X: np.ndarray, y: np.ndarray, p: float) -> np.ndarray:
    """The minimizer of the expected dropped cost, ``(XᵀX/m + 2 diag(λ))⁻¹Xᵀy/m``.

    Solved as the book's ordinary L2 problem on rescaled inputs: with ``s_j = Σᵢ x_ij²/m``,
    ``v_j = √s_j·w_j`` turns ``Σ_j λ_j w_j²`` into ``p/(2(1 − p))·Σ_j v_j²``, so
    ``v = regularized_minimizer(X/√s, y, "l2", p/(2(1 − p)))`` and ``w = v/√s``.
    """
    X, y, p = _args(X, y, p)
    s = np.sqrt((X * X).sum(axis=0) / X.shape[0])
    if np.any(s == 0):
        raise ValueError("every column of X must have a nonzero entry (a zero column has no weight to shrink)")
    if p == 0.0:
        return regularized_minimizer(X, y, "none", 0.0)
    return regularized_minimizer(X / s, y, "l2", p / (2.0 * (1.0 - p))) / s


def dropout_expectation(n_inputs: int = 3) -> sp.Expr:
    """SymPy: ``E[(y − Σ_j x_j w_j δ_j/(1 − p))²] − [(y − Σ_j x_j w_j)² + p/(1 − p)·Σ_j x_j² w_j²]``
    for one example with ``n_inputs`` inputs and independent ``δ_j ~ Bernoulli(1 − p)``,
    simplified: 0 when the identity holds."""
    from sympy.stats import Bernoulli, E

    n = v.positive_int(n_inputs, "n_inputs")
    p = sp.Symbol("p", positive=True)
    y = sp.Symbol("y", real=True)
    x = sp.symbols(f"x1:{n + 1}", real=True)
    w = sp.symbols(f"w1:{n + 1}", real=True)
    keep = [Bernoulli(f"delta{j}", 1 - p) for j in range(1, n + 1)]
    y_hat = sum(xj * wj * dj / (1 - p) for xj, wj, dj in zip(x, w, keep))
    mean = E(sp.expand((y - y_hat) ** 2))
    ridge = (y - sum(a * b for a, b in zip(x, w))) ** 2 + p / (1 - p) * sum(a**2 * b**2 for a, b in zip(x, w))
    return sp.simplify(mean - ridge)


@dataclass(frozen=True)
class SampledDropout:
    """The dropped cost at ``w`` over ``n_masks`` random masks, against the closed form.

    ``loss``/``loss_se`` are the mean and standard error over masks of ``J_drop(w)``,
    ``grad``/``grad_se`` those of its gradient; ``expected_loss`` and ``expected_grad`` the
    closed forms. ``minimizer`` minimizes the dropped cost averaged over the same masks (one
    least-squares problem on the masked copies stacked), ``expected_minimizer`` the
    expected cost (:func:`dropout_ridge_minimizer`).
    """

    p: float
    n_masks: int
    w: np.ndarray
    loss: float
    loss_se: float
    expected_loss: float
    grad: np.ndarray
    grad_se: np.ndarray
    expected_grad: np.ndarray
    minimizer: np.ndarray
    expected_minimizer: np.ndarray

    @property
    def loss_z(self) -> float:
        """(sampled − closed form)/standard error of the loss."""
        return (self.loss - self.expected_loss) / self.loss_se

    @property
    def grad_z(self) -> np.ndarray:
        return (self.grad - self.expected_grad) / self.grad_se

    def __repr__(self) -> str:
        return (f"SampledDropout(p = {self.p:g}, {self.n_masks:,} masks: loss {self.loss:.5f} ± {self.loss_se:.5f} "
                f"against {self.expected_loss:.5f} in closed form; largest |z| of the gradient "
                f"{float(np.abs(self.grad_z).max()):.2f}; the sampled minimizer is "
                f"{float(np.linalg.norm(self.minimizer - self.expected_minimizer)):.2e} from the closed form)")


def sampled_dropout(X: np.ndarray, y: np.ndarray, w: np.ndarray, p: float, *, n_masks: int,
                    rng: np.random.Generator) -> SampledDropout:
    """Draw ``n_masks`` masks ``δ ~ Bernoulli(1 − p)`` of the shape of X from ``rng`` and
    measure the dropped cost ``‖(X ⊙ δ/(1 − p))w − y‖²/(2m)`` and its gradient at ``w``, and
    the minimizer of their average (:class:`SampledDropout`)."""
    X, y, p = _args(X, y, p)
    w = _coef(w, X.shape[1])
    n_masks = v.positive_int(n_masks, "n_masks")
    if n_masks < 2:
        raise ValueError("n_masks must be at least 2 (a standard error needs two draws)")
    v.generator(rng)
    m, n = X.shape
    losses = np.empty(n_masks)
    grads = np.empty((n_masks, n))
    A = np.zeros((n, n))
    b = np.zeros(n)
    for k in range(n_masks):
        Xd = X * (rng.random(X.shape) >= p) / (1.0 - p)
        r = Xd @ w - y
        losses[k] = float(r @ r) / (2 * m)
        grads[k] = Xd.T @ r / m
        A += Xd.T @ Xd
        b += Xd.T @ y
    root = np.sqrt(n_masks)
    return SampledDropout(p, n_masks, w.copy(), float(losses.mean()), float(losses.std(ddof=1) / root),
                          expected_dropout_loss(X, y, w, p), grads.mean(axis=0), grads.std(axis=0, ddof=1) / root,
                          expected_dropout_gradient(X, y, w, p), np.linalg.solve(A, b),
                          dropout_ridge_minimizer(X, y, p))
