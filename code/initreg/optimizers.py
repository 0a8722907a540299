"""Adam, with the L2 penalty folded into its gradient or with decoupled weight decay (AdamW).

One step at step number ``t ≥ 1`` on a weight ``w`` with data gradient ``g``:

.. math::

   w &\\leftarrow (1 - \\alpha\\,\\mathrm{decay})\\,w \\qquad \\text{(decoupled decay, AdamW)} \\\\
   g &\\leftarrow g + 2\\lambda w \\qquad \\text{(the L2 penalty } \\lambda\\sum w^2 \\text{, Adam with L2)} \\\\
   m &\\leftarrow \\beta_1 m + (1 - \\beta_1)\\,g, \\qquad v \\leftarrow \\beta_2 v + (1 - \\beta_2)\\,g^2 \\\\
   w &\\leftarrow w - \\frac{\\alpha}{1 - \\beta_1^t}\\,\\frac{m}{\\sqrt{v}/\\sqrt{1 - \\beta_2^t} + \\epsilon}

Folded into the gradient, the penalty's pull 2λw is divided, like the data gradient, by
``√v̂``: a weight whose gradients have been large decays less. Decoupled, every weight
decays by the same factor. That difference is Loshchilov and Hutter's (2019); see
{ref}`chap-at-work`.

The arithmetic is PyTorch's (``torch.optim.Adam``, ``_single_tensor_adam``): the first
moment as ``m + (1 − β₁)(g − m)`` (its ``lerp_``), the second as ``β₂v + (1 − β₂)g·g``, the
step as ``addcdiv`` with ``−α/(1 − β₁ᵗ)``, so that ``lam`` is ``Adam(weight_decay=2λ)`` and
``decay`` is ``AdamW(weight_decay=decay)``, step for step.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate as v

__all__ = ["OPTIMIZERS", "adam_update"]

#: The optimizers :func:`initreg.train` runs.
OPTIMIZERS: tuple[str, ...] = ("sgd", "adam")


def _beta(value: object, name: str) -> float:
    b = v.real(value, name, low=0.0)
    if b >= 1.0:
        raise ValueError(f"{name} must be in [0, 1); got {b!r}")
    return b


def adam_checks(alpha: object, beta1: object, beta2: object, eps: object, lam: object,
                decay: object) -> tuple[float, float, float, float, float, float]:
    """The checked hyperparameters of an Adam step (the training loop checks them once)."""
    return (v.positive(alpha, "alpha"), _beta(beta1, "beta1"), _beta(beta2, "beta2"),
            v.positive(eps, "eps"), v.nonneg(lam, "lam"), v.nonneg(decay, "decay"))


def adam_update(
    w: np.ndarray,       # the weights, any shape
    grad: np.ndarray,    # ∂J/∂w, the data gradient
    m: np.ndarray,       # the first moment (zeros before step 1)
    v_: np.ndarray,      # the second moment (zeros before step 1)
    t: int,              # the step number, 1 for the first step
    *,
    alpha: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    lam: float = 0.0,     # the L2 penalty λΣw², folded into the gradient: 2λw
    decay: float = 0.0,   # decoupled weight decay: w × (1 − α·decay) first
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam step, elementwise: ``(w, m, v)`` after step ``t`` (new arrays; see the module).

    With ``lam`` the L2 penalty's gradient 2λw is added to ``grad`` before the moments
    (``torch.optim.Adam(weight_decay=2λ)``); with ``decay`` the weights are first multiplied
    by ``1 − α·decay`` (``torch.optim.AdamW(weight_decay=decay)``). Both may be given; the
    penalty's gradient is then taken at the weights before the decay.
    """
    alpha, beta1, beta2, eps, lam, decay = adam_checks(alpha, beta1, beta2, eps, lam, decay)
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 1:
        raise ValueError(f"t must be the step number, an integer >= 1; got {t!r}")
    w = v.array(w, "w")
    grad = v.array(grad, "grad")
    m = v.array(m, "m")
    v2 = v.array(v_, "v_")
    for name, arr in (("grad", grad), ("m", m), ("v_", v2)):
        if arr.shape != w.shape:
            raise ValueError(f"{name} must have the shape of w, {w.shape}; got {arr.shape}")
    if np.any(v2 < 0):
        raise ValueError("v_ must be >= 0: it is a running mean of squared gradients")
    g = grad + 2.0 * lam * w if lam else grad
    w = w * (1.0 - alpha * decay) if decay else w.copy()
    m = m + (1.0 - beta1) * (g - m)
    v2 = v2 * beta2 + (1.0 - beta2) * (g * g)
    denom = np.sqrt(v2) / math.sqrt(1.0 - beta2**t) + eps
    w = w + (-alpha / (1.0 - beta1**t)) * (m / denom)
    return w, m, v2
