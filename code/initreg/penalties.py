"""Weight penalties and their update rules: the L1 and L2 regularization of Part II.

The source article's regularized costs sum over every weight matrix, never over biases:

.. math::  J_{L_1} = J + \\lambda \\sum_l \\sum_{i,j} |W^{[l]}_{ij}|, \\qquad
           J_{L_2} = J + \\lambda \\sum_l \\sum_{i,j} (W^{[l]}_{ij})^2,

and one gradient step with learning rate α gives its two update rules
``w ← w − αλ·sign(w) − α·∂J/∂w`` and ``w ← w − 2αλ·w − α·∂J/∂w``; beside them, the
proximal L1 step (soft thresholding) and the TensorFlow Playground's L1 step, which
freezes a weight at 0 once its penalty step crosses 0; the L2 strength in each library's
convention; and what each rule does to a weight step by step. See {ref}`chap-update-rules`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import _validate as v

__all__ = [
    "PENALTY_LABELS",
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
    "playground_l1_update",
    "RULES",
    "DYNAMICS_RULES",
    "RULE_LABELS",
    "L2_CONVENTIONS",
    "L2_PER_EXAMPLE_CONVENTIONS",
    "convert_l2_strength",
    "penalty_dynamics",
    "PenaltyAlone",
    "penalty_alone",
]

#: Penalty names accepted by :func:`penalty` and the training loop.
PENALTIES: tuple[str, ...] = ("none", "l1", "l2")
#: How the book writes each penalty in tables, legends and captions (the figures colour
#: them by ``initreg.figures.PENALTY_COLORS``, keyed alike).
PENALTY_LABELS: Mapping[str, str] = MappingProxyType({"none": "no penalty", "l1": "L1", "l2": "L2"})
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
    """The proximal map of ``t·|w|``, ``argmin_v ½(v − w)² + t|v|`` = ``sign(w)·max(|w| − t, 0)``:
    every |w| ≤ t goes to exactly 0. See {ref}`chap-update-rules`."""
    w = v.array(w, "w")
    t = v.nonneg(t, "t")
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def l1_prox_update(w: np.ndarray, grad: np.ndarray, alpha: float, lam: float) -> np.ndarray:
    """Proximal L1 step (ISTA): the data step ``u = w − α·grad``, then soft thresholding by αλ,
    ``S(u, αλ) = sign(u)·max(|u| − αλ, 0)`` (the sign of u, after the data step).
    See {ref}`chap-update-rules`."""
    w, grad, alpha, lam = _update_args(w, grad, alpha, lam)
    return soft_threshold(w - alpha * grad, alpha * lam)


def playground_l1_update(
    w: np.ndarray,      # the weights before the step, any shape
    grad: np.ndarray,   # the data gradient ∂J/∂w, same shape
    alpha: float,       # learning rate α ≥ 0
    lam: float,         # the Playground's regularization rate λ ≥ 0
    dead: np.ndarray,   # bool, same shape: True where a weight is frozen at 0
) -> tuple[np.ndarray, np.ndarray]:
    """The TensorFlow Playground's L1 step, ``(w_new, dead_new)``, as its ``updateWeights`` does it.

    Transcribed from ``src/nn.ts`` of tensorflow/playground (commit 02469bd):
    ``RegularizationFunction.L1.der`` is ``sign(w)`` (lines 141-143); in ``updateWeights``
    (lines 335-376) a link with ``isDead`` is skipped (350-352); ``regulDer = der(w)`` is
    taken from the weight *before* the data step (353-354); then ``u = w − α·grad``
    (357-358), ``v = u − αλ·regulDer`` (360-361), and if ``u·v < 0`` the weight is set
    to 0 and ``isDead`` to true (362-366), otherwise ``w = v`` (368). A dead link also
    gets no gradient in ``backProp`` (307-309), so it stays 0 for good. ``grad`` is the
    Playground's ``accErrorDer / numAccumulatedDers``, the mean over the batch (a link with
    no accumulated derivative is not updated at all, 355). Elementwise:

    * frozen: ``w_new = w`` (0), still frozen;
    * live: ``v = w − α·grad − αλ·sign(w)``; ``w_new = 0`` and frozen where
      ``(w − α·grad)·v < 0``, else ``w_new = v``.

    For αλ > 0 a live weight gets the proximal step ``S(w − α·grad, αλ)`` exactly when
    ``sign(w − α·grad) = sign(w)``, and a frozen one when ``|α·grad| ≤ αλ``; where the data
    step crosses 0 the Playground pushes the weight αλ *away* from 0. See
    {ref}`chap-update-rules`.
    """
    w, grad, alpha, lam = _update_args(w, grad, alpha, lam)
    if not isinstance(dead, np.ndarray) or dead.dtype != bool:
        kind = f"an array of {dead.dtype}" if isinstance(dead, np.ndarray) else type(dead).__name__
        raise TypeError(f"dead must be a numpy array of bools (True where a weight is frozen); got {kind}")
    if dead.shape != w.shape:
        raise ValueError(f"dead must have the shape of w, {w.shape}; got {dead.shape}")
    regul_der = np.sign(w)                   # der(link.weight), before the data step
    u = w - alpha * grad                     # link.weight after the data step
    v = u - alpha * lam * regul_der          # newLinkWeight
    crossed = (u * v < 0) & ~dead            # "the weight crossed 0 due to the regularization term"
    w_new = np.where(dead, w, np.where(crossed, 0.0, v))
    return w_new, dead | crossed


@dataclass(frozen=True)
class Penalty:
    """A weight penalty ``P(W) = λ·Σ|w|`` (``"l1"``), ``λ·Σw²`` (``"l2"``) or 0 (``"none"``).

    The training loop calls :meth:`add_grad` (gradient updates) or :meth:`prox`
    (proximal updates) on each weight matrix; biases are never penalized.
    """

    name: str = "none"
    lam: float = 0.0

    def __post_init__(self) -> None:
        v.choice(self.name, "name", PENALTIES)
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


# --------------------------------------------------------------------------------------
# L2 conventions: the same weight decay written four ways ({ref}`chap-update-rules`)
# --------------------------------------------------------------------------------------

#: How libraries write an L2 penalty, and the decay coefficient κ that its gradient puts
#: on w per unit of their strength parameter: every one of them takes the step
#: ``w ← w − α(∂J/∂w + κ·strength·w)``. From their sources:
#:
#: * the source article, λ·Σw² (gradient 2λw, κ = 2);
#: * Keras, ``L2(l2).__call__`` returns ``l2 * ops.sum(ops.square(x))``, added to the loss
#:   (keras-team/keras ``keras/src/regularizers/regularizers.py``, class L2): κ = 2;
#: * PyTorch's ``SGD(weight_decay=wd)`` adds no penalty to the loss; its step does
#:   ``grad = grad.add(param, alpha=weight_decay)`` before ``param.add_(grad, alpha=-lr)``
#:   (``torch/optim/sgd.py``, ``_single_tensor_sgd``), the gradient of (wd/2)·‖w‖²: κ = 1;
#: * Dive into Deep Learning adds (λ/2)·‖w‖² to the loss: κ = 1;
#: * the TensorFlow Playground's ``RegularizationFunction.L2`` is ``0.5·w²`` with ``der(w) = w``,
#:   and ``updateWeights`` subtracts ``learningRate·regularizationRate·der(w)``
#:   (``src/nn.ts``, lines 145-147 and 353-361): κ = 1.
#:
#: See {ref}`chap-update-rules`.
L2_CONVENTIONS: dict[str, tuple[str, float]] = {
    "article": ("λ·Σw²", 2.0),
    "keras": ("λ·Σw²  (kernel_regularizer=L2(λ))", 2.0),
    "pytorch": ("(λ/2)·‖w‖²  (SGD(weight_decay=λ))", 1.0),
    "d2l": ("(λ/2)·‖w‖²", 1.0),
    "playground": ("rate·Σ½w²", 1.0),
}


#: Two more ways to write it, whose strength is divided by the number m of training
#: examples: the decay coefficient, relative to the mean loss J, is κ·strength/m
#: ({ref}`chap-views`).
#:
#: * Andrew Ng's courses add (λ/2m)·Σw² to the mean loss (the cost of his neural-network
#:   exercise is ``J = (1/m)·Σ loss + (λ/(2m))·ΣΘ²``): gradient (λ/m)·w, κ = 1;
#: * a *summed* loss with ½λ·Σw², as Krogh and Hertz write weight decay, E₀ + ½λΣw², when
#:   E₀ sums the error over the m examples (Bishop's E = ½Σₙ(y(xₙ, w) − tₙ)² + (λ/2)‖w‖²):
#:   divided by m it is J + (λ/2m)·Σw², κ = 1 and the same minimizer as Ng's. Its steps at
#:   learning rate α are those of J at learning rate mα.
L2_PER_EXAMPLE_CONVENTIONS: dict[str, tuple[str, float]] = {
    "ng": ("(λ/2m)·Σw² beside the mean loss J", 1.0),
    "summed": ("½λ·Σw² beside the summed loss m·J", 1.0),
}


def _kappa(name: str, role: str, m: int | None) -> float:
    """The decay coefficient of convention ``name`` per unit of its strength, relative to J."""
    names = (*L2_CONVENTIONS, *L2_PER_EXAMPLE_CONVENTIONS)
    v.choice(name, role, names)
    if name in L2_CONVENTIONS:
        return L2_CONVENTIONS[name][1]
    if m is None:
        raise ValueError(f"the {name!r} convention divides its strength by the number of training examples: "
                         "pass m=")
    return L2_PER_EXAMPLE_CONVENTIONS[name][1] / v.positive_int(m, "m")


def convert_l2_strength(lam: float, *, source: str, target: str, m: int | None = None) -> float:
    """The strength in convention ``target`` that gives the same update as ``lam`` in ``source``.

    Equal decay coefficients κ_source·λ_source = κ_target·λ_target give
    ``λ_target = λ_source·κ_source/κ_target``: PyTorch's ``weight_decay`` is twice the
    article's λ. The conventions of :data:`L2_PER_EXAMPLE_CONVENTIONS` need the number of
    training examples ``m``: Ng's λ is 2m times the article's. See {ref}`chap-update-rules`
    and {ref}`chap-views`.
    """
    lam = v.nonneg(lam, "lam")
    if m is not None:
        m = v.positive_int(m, "m")  # validated whenever passed, even if neither convention needs it
    return lam * _kappa(source, "source", m) / _kappa(target, "target", m)


# --------------------------------------------------------------------------------------
# What each rule does on its own: the dynamics with ∂J/∂w = 0 ({ref}`chap-update-rules`)
# --------------------------------------------------------------------------------------

#: The three update rules of {ref}`chap-update-rules`: the article's L2 and L1 rules, and
#: the proximal L1 step.
RULES: tuple[str, ...] = ("l2", "l1", "l1_proximal")
#: Every rule :func:`penalty_dynamics` runs: :data:`RULES` and the TensorFlow Playground's
#: L1 step (:func:`playground_l1_update`, which carries its mask of frozen weights).
DYNAMICS_RULES: tuple[str, ...] = RULES + ("l1_playground",)
#: The rules' names in the book's figures and text.
RULE_LABELS: dict[str, str] = {"l2": "L2 rule", "l1": "L1 rule", "l1_proximal": "proximal L1", "l1_playground": "Playground L1"}


def _rule_step(rule: str) -> Callable[..., np.ndarray]:
    # looked up at call time, so that a replaced rule (tools/mutants.py) is the one that runs
    return {"l2": l2_update, "l1": l1_update, "l1_proximal": l1_prox_update}[rule]


def penalty_dynamics(
    w0: np.ndarray | float,                 # the starting weights, any shape
    alpha: float,                           # learning rate α ≥ 0
    lam: float,                             # penalty strength λ ≥ 0
    steps: int,                             # number of updates t = 1..steps
    rule: str,                              # one of DYNAMICS_RULES
    *,
    data_grad: Callable[[np.ndarray], np.ndarray] | None = None,  # ∂J/∂w as a function of w
) -> np.ndarray:
    """The iterates ``w_0, w_1, …, w_steps`` of one update rule, stacked on a new first axis.

    Each step is ``w_{t+1} = rule(w_t, data_grad(w_t), α, λ)``; ``"l1_playground"`` starts
    with no weight frozen and carries the mask of :func:`playground_l1_update` from step to
    step. With ``data_grad=None`` the data gradient is zero and only the penalty acts: the
    L2 rule gives ``w_t = (1 − 2αλ)^t·w_0``; the L1 rule moves every weight by αλ toward 0
    until it is within αλ of 0, then (in exact arithmetic, unless |w_0| is a multiple of
    αλ) alternates between two values on either side of 0; the proximal step, and the
    Playground's, land on 0 and stay. See {ref}`chap-update-rules`.
    """
    w = v.array(w0, "w0")
    alpha = v.nonneg(alpha, "alpha")
    lam = v.nonneg(lam, "lam")
    steps = v.nonneg_int(steps, "steps")
    v.choice(rule, "rule", DYNAMICS_RULES)
    if data_grad is not None and not callable(data_grad):
        raise TypeError("data_grad must be a function w -> ∂J/∂w, or None for a zero data gradient")
    out = np.empty((steps + 1, *w.shape))
    out[0] = w
    zero = np.zeros_like(w)
    dead = np.zeros(w.shape, dtype=bool)
    step = None if rule == "l1_playground" else _rule_step(rule)
    for t in range(steps):
        g = zero if data_grad is None else np.asarray(data_grad(out[t]), dtype=float)
        if step is None:
            out[t + 1], dead = playground_l1_update(out[t], g, alpha, lam, dead)
        else:
            out[t + 1] = step(out[t], g, alpha, lam)
    return out


@dataclass(frozen=True)
class PenaltyAlone:
    """The iterates of one update rule with a zero data gradient: the penalty acting alone.

    ``w[t]`` are the weights after t steps (``w[0]`` the starting weights). Made by
    :func:`penalty_alone`; the arrays are read-only, since runs are cached and shared.
    See {ref}`chap-update-rules`.
    """

    rule: str          # one of DYNAMICS_RULES
    alpha_lam: float   # the product αλ, the only strength that acts when ∂J/∂w = 0
    w: np.ndarray      # (steps + 1, *w0.shape): w_0, w_1, …, w_steps

    @property
    def steps(self) -> int:
        return self.w.shape[0] - 1

    def _step(self, t: int) -> np.ndarray:
        t = v.nonneg_int(t, "t")
        if t > self.steps:
            raise ValueError(f"t must be at most the run's {self.steps} steps; got {t}")
        if self.w[t].size == 0:
            raise ValueError("the run has no weights (w0 was empty): there is no share to count")
        return self.w[t]

    def zero_fraction(self, t: int) -> float:
        """The share of the weights that are exactly 0 at step ``t``."""
        return float(np.mean(self._step(t) == 0.0))

    def band_fraction(self, t: int) -> float:
        """The share of the weights with ``|w_t| ≤ αλ``, inside the band where the L1 rule
        leaves a weight jumping across 0."""
        return float(np.mean(np.abs(self._step(t)) <= self.alpha_lam))


def penalty_alone(
    w0: np.ndarray | Sequence[float],   # the starting weights, any shape
    alpha_lam: float,                   # the product αλ ≥ 0
    steps: int,                         # number of updates
    rule: str,                          # one of DYNAMICS_RULES
) -> PenaltyAlone:
    """The rule ``rule`` with ∂J/∂w = 0 for ``steps`` steps from ``w0``: the iterates of
    :func:`penalty_dynamics` with α = 1 and λ = αλ.

    With the data gradient zero every rule takes α and λ only as their product (L1 moves a
    weight by αλ, L2 multiplies it by 1 − 2αλ, the proximal step thresholds at αλ), so one
    strength, ``alpha_lam``, describes the run. Runs are cached (the same arguments return
    the same object): the chapter's explorer asks for each run at every step it shows.
    See {ref}`chap-update-rules`.
    """
    w = v.array(w0, "w0")
    alpha_lam = v.nonneg(alpha_lam, "alpha_lam")
    steps = v.nonneg_int(steps, "steps")
    v.choice(rule, "rule", DYNAMICS_RULES)
    return _penalty_alone(rule, alpha_lam, steps, w.tobytes(), w.shape)


@functools.lru_cache(maxsize=256)
def _penalty_alone(rule: str, alpha_lam: float, steps: int, w0: bytes, shape: tuple[int, ...]) -> PenaltyAlone:
    w = penalty_dynamics(np.frombuffer(w0, dtype=np.float64).reshape(shape), 1.0, alpha_lam, steps, rule)
    w.setflags(write=False)
    return PenaltyAlone(rule, alpha_lam, w)
