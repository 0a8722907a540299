"""Weight penalties and their update rules: the L1 and L2 regularization of Part II.

The source article's regularized costs sum over every weight matrix, never over biases:

.. math::  J_{L_1} = J + \\lambda \\sum_l \\sum_{i,j} |W^{[l]}_{ij}|, \\qquad
           J_{L_2} = J + \\lambda \\sum_l \\sum_{i,j} (W^{[l]}_{ij})^2,

and one gradient step with learning rate α gives its two update rules
``w ← w − αλ·sign(w) − α·∂J/∂w`` and ``w ← w − 2αλ·w − α·∂J/∂w``.
See {ref}`chap-update-rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _validate as v

__all__ = [
    "PENALTIES",
    "UPDATES",
    "Penalty",
    "penalty",
    "l1_penalty",
    "l2_penalty",
    "l1_update",
    "l2_update",
    "soft_threshold",
    "l1_prox_update",
]

#: Penalty names accepted by :func:`penalty` and the training loop.
PENALTIES: tuple[str, ...] = ("none", "l1", "l2")
#: How the training loop applies a penalty: its (sub)gradient, or its proximal step.
UPDATES: tuple[str, ...] = ("gradient", "proximal")


def _weight_list(weights: np.ndarray | Sequence[np.ndarray], name: str = "weights") -> list[np.ndarray]:
    if isinstance(weights, np.ndarray):
        return [v.array(weights, name)]
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence):
        raise TypeError(f"{name} must be an array or a sequence of weight matrices; got {type(weights).__name__}")
    return [v.array(w, f"{name}[{i}]") for i, w in enumerate(weights)]


def l1_penalty(weights: np.ndarray | Sequence[np.ndarray], lam: float) -> float:
    """λ·Σ|w| over every weight matrix (biases are not passed in, so never penalized)."""
    lam = v.nonneg(lam, "lam")
    return lam * float(sum(np.abs(w).sum() for w in _weight_list(weights)))


def l2_penalty(weights: np.ndarray | Sequence[np.ndarray], lam: float) -> float:
    """λ·Σw² over every weight matrix (biases are not passed in, so never penalized)."""
    lam = v.nonneg(lam, "lam")
    return lam * float(sum(np.vdot(w, w).real for w in _weight_list(weights)))


def _update_args(w: object, grad: object, alpha: float, lam: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    w_arr = v.array(w, "w")
    g_arr = v.array(grad, "grad")
    if w_arr.shape != g_arr.shape:
        raise ValueError(f"w and grad must have the same shape; got {w_arr.shape} and {g_arr.shape}")
    return w_arr, g_arr, v.nonneg(alpha, "alpha"), v.nonneg(lam, "lam")


def l1_update(w: np.ndarray, grad: np.ndarray, alpha: float, lam: float) -> np.ndarray:
    """The source article's L1 rule: ``w − α·λ·sign(w) − α·grad`` (elementwise, any shape).

    ``sign(0) = 0`` picks the subgradient 0 at w = 0. See {ref}`chap-update-rules`.
    """
    w, grad, alpha, lam = _update_args(w, grad, alpha, lam)
    return w - alpha * lam * np.sign(w) - alpha * grad


def l2_update(w: np.ndarray, grad: np.ndarray, alpha: float, lam: float) -> np.ndarray:
    """The source article's L2 rule: ``w − 2·α·λ·w − α·grad`` (elementwise, any shape).

    Equal to weight decay ``(1 − 2αλ)·w − α·grad``. See {ref}`chap-update-rules`.
    """
    w, grad, alpha, lam = _update_args(w, grad, alpha, lam)
    return w - 2.0 * alpha * lam * w - alpha * grad


def soft_threshold(w: np.ndarray, t: float) -> np.ndarray:
    """The proximal map of ``t·|w|``: ``sign(w)·max(|w| − t, 0)``, which lands on exact zeros."""
    w = v.array(w, "w")
    t = v.nonneg(t, "t")
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def l1_prox_update(w: np.ndarray, grad: np.ndarray, alpha: float, lam: float) -> np.ndarray:
    """Proximal L1 step (ISTA): a data step ``w − α·grad``, then soft thresholding by ``αλ``."""
    w, grad, alpha, lam = _update_args(w, grad, alpha, lam)
    return soft_threshold(w - alpha * grad, alpha * lam)


@dataclass(frozen=True)
class Penalty:
    """A weight penalty ``P(W) = λ·Σ|w|`` (``"l1"``), ``λ·Σw²`` (``"l2"``) or 0 (``"none"``).

    The training loop calls :meth:`add_grad` (gradient updates) or :meth:`prox`
    (proximal updates) on each weight matrix; biases are never penalized.
    """

    name: str = "none"
    lam: float = 0.0

    def __post_init__(self) -> None:
        v.choice(self.name, "penalty", PENALTIES)
        object.__setattr__(self, "lam", v.nonneg(self.lam, "lam"))

    @property
    def active(self) -> bool:
        return self.name != "none" and self.lam > 0.0

    def value(self, weights: Sequence[np.ndarray]) -> float:
        """P summed over every weight matrix."""
        if self.name == "l1":
            return l1_penalty(weights, self.lam)
        if self.name == "l2":
            return l2_penalty(weights, self.lam)
        return 0.0

    def add_grad(self, W: np.ndarray, dW: np.ndarray) -> None:
        """``dW += ∂P/∂W`` in place: ``λ·sign(W)`` (L1) or ``2λ·W`` (L2)."""
        if not self.active:
            return
        if self.name == "l1":
            dW += self.lam * np.sign(W)
        else:
            dW += (2.0 * self.lam) * W

    def prox(self, W: np.ndarray, alpha: float) -> None:
        """Apply the proximal map of ``α·P`` to ``W`` in place (exact zeros for L1)."""
        if not self.active:
            return
        if self.name == "l1":
            t = alpha * self.lam
            np.copyto(W, np.sign(W) * np.maximum(np.abs(W) - t, 0.0))
        else:  # argmin_u ½‖u − w‖² + αλ‖u‖²  =  w / (1 + 2αλ)
            W *= 1.0 / (1.0 + 2.0 * alpha * self.lam)

    def __str__(self) -> str:
        return "no penalty" if not self.active else f"{self.name.upper()}, λ = {self.lam:g}"


def penalty(name: str = "none", lam: float = 0.0) -> Penalty:
    """The penalty ``name`` (one of :data:`PENALTIES`) with strength ``lam`` (λ ≥ 0)."""
    return Penalty(name, lam)
