"""Weight penalties and their update rules: the L1 and L2 regularization of Part II.

The source article's regularized costs sum over every weight matrix, never over biases:

.. math::  J_{L_1} = J + \\lambda \\sum_l \\sum_{i,j} |W^{[l]}_{ij}|, \\qquad
           J_{L_2} = J + \\lambda \\sum_l \\sum_{i,j} (W^{[l]}_{ij})^2,

and one gradient step with learning rate α gives its two update rules
``w ← w − αλ·sign(w) − α·∂J/∂w`` and ``w ← w − 2αλ·w − α·∂J/∂w``; beside them, the
proximal L1 step (soft thresholding) and the TensorFlow Playground's L1 step, which
freezes a weight at 0 once its penalty step crosses 0. See {ref}`chap-update-rules`.

The second half of the module computes what those rules converge to on a least-squares
cost ``J(w) = ‖Xw − y‖²/(2m)``: the exact regularized minimizer (a linear solve for L2,
coordinate descent polished by an active-set solve for L1), the exact L1 path (the
piecewise-linear homotopy of LARS–lasso) and the L2 path. See {ref}`chap-landscapes`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .explorable import Choice, Explorable, Slider, _pin_axis_labels, register_figure

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
    "playground_l1_update",
    "RULES",
    "DYNAMICS_RULES",
    "L2_CONVENTIONS",
    "convert_l2_strength",
    "penalty_dynamics",
    "plot_penalty_dynamics",
    "update_rule_explorer",
    "regularized_objective",
    "kkt_violation",
    "regularized_minimizer",
    "regularization_path",
    "lasso_lambda_max",
    "LassoPath",
    "lasso_path",
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


def convert_l2_strength(lam: float, *, source: str, target: str) -> float:
    """The strength in convention ``target`` that gives the same update as ``lam`` in ``source``.

    Equal decay coefficients κ_source·λ_source = κ_target·λ_target give
    ``λ_target = λ_source·κ_source/κ_target``: PyTorch's ``weight_decay`` is twice the
    article's λ. See {ref}`chap-update-rules`.
    """
    lam = v.nonneg(lam, "lam")
    k_src = L2_CONVENTIONS[v.choice(source, "source", L2_CONVENTIONS)][1]
    k_tgt = L2_CONVENTIONS[v.choice(target, "target", L2_CONVENTIONS)][1]
    return lam * k_src / k_tgt


# --------------------------------------------------------------------------------------
# What each rule does on its own: the dynamics with ∂J/∂w = 0 ({ref}`chap-update-rules`)
# --------------------------------------------------------------------------------------

#: The three update rules of {ref}`chap-update-rules`: the article's L2 and L1 rules, and
#: the proximal L1 step.
RULES: tuple[str, ...] = ("l2", "l1", "l1_proximal")
#: Every rule :func:`penalty_dynamics` runs: :data:`RULES` and the TensorFlow Playground's
#: L1 step (:func:`playground_l1_update`, which carries its mask of frozen weights).
DYNAMICS_RULES: tuple[str, ...] = RULES + ("l1_playground",)
_RULE_LABELS = {"l2": "L2 rule", "l1": "L1 rule", "l1_proximal": "proximal L1", "l1_playground": "Playground L1"}


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


def _draw_rule(ax: object, traj: np.ndarray, rule: str, alpha_lam: float, t_mark: int | None = None) -> None:
    from .plotting import PENALTY_COLORS

    color = PENALTY_COLORS["l2" if rule == "l2" else "l1"]
    ts = np.arange(traj.shape[0])
    ax.axhspan(-alpha_lam, alpha_lam, color="0.85", lw=0, label="±αλ")
    ax.axhline(0.0, color="0.5", lw=0.6)
    ls = "--" if rule == "l1_proximal" else "-"
    for i in range(traj.shape[1]):
        ax.plot(ts, traj[:, i], ls, color=color, lw=1.1, label=_RULE_LABELS[rule] if i == 0 else None)
    if t_mark is not None:
        ax.axvline(t_mark, color="0.3", lw=0.8, ls=":")
    ax.set(xlabel="step t", xlim=(0, ts[-1]))


def plot_penalty_dynamics(alpha: float, lam: float, w0: Sequence[float], steps: int) -> "Figure":
    """Three panels, one per rule of :data:`RULES`: the weights ``w_t`` from each ``w0`` with
    a zero data gradient, the band ±αλ shaded. See {ref}`chap-update-rules`."""
    from .plotting import new_figure

    w0 = v.array(w0, "w0", ndim=1)
    fig, axes = new_figure(8.0, 3.0, ncols=3, sharey=True)
    titles = {"l2": "L2: $(1-2\\alpha\\lambda)^t w_0$", "l1": "L1: linear, then ±αλ",
              "l1_proximal": "proximal L1: exact zeros"}
    for ax, rule in zip(axes[0], RULES):
        traj = penalty_dynamics(w0, alpha, lam, steps, rule)
        _draw_rule(ax, traj, rule, alpha * lam)
        ax.set_title(titles[rule], fontsize=10)
    axes[0, 0].set_ylabel("weight $w_t$")
    return fig


_DYN_STEPS = 60
_DYN_W0 = (-0.5, -0.3, -0.1, 0.1, 0.3, 0.5)
_DYN_SD = 0.25


@functools.lru_cache(maxsize=1)
def _dyn_population() -> np.ndarray:
    return np.random.default_rng(0).normal(0.0, _DYN_SD, 3000)


@functools.lru_cache(maxsize=64)
def _dyn_run(rule: str, alpha_lam: float) -> tuple[np.ndarray, np.ndarray]:
    fan = penalty_dynamics(np.asarray(_DYN_W0), 1.0, alpha_lam, _DYN_STEPS, rule)
    pop = penalty_dynamics(_dyn_population(), 1.0, alpha_lam, _DYN_STEPS, rule)
    return fan, pop


def _dyn_compute(rule: str, alpha_lam: float, steps: int) -> dict:
    alpha_lam = float(alpha_lam)
    steps = int(steps)
    fan, pops = _dyn_run(rule, alpha_lam)
    pop = pops[steps]
    return {"fan": fan, "pop": pop, "zeros": float(np.mean(pop == 0.0)),
            "inside": float(np.mean(np.abs(pop) <= alpha_lam))}


_DYN_BINS = np.linspace(-0.6, 0.6, 121)


def _dyn_setup(fig: "Figure") -> dict:
    """The axes and artists of :func:`update_rule_explorer`, built once; :func:`_dyn_update` sets them."""
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text
    from matplotlib.ticker import NullLocator

    from .plotting import PENALTY_COLORS

    # fixed margins instead of the constrained layout
    fig.set_layout_engine("none")
    ax, bx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1], "left": 0.085, "right": 0.985,
                                             "bottom": 0.15, "top": 0.9, "wspace": 0.28})
    # left: the band ±αλ, the axis, one line per starting weight, the mark at step t
    band = ax.axhspan(-0.01, 0.01, color="0.85", lw=0)
    ax.axhline(0.0, color="0.5", lw=0.6)
    lines = [ax.plot([], [], lw=1.1)[0] for _ in _DYN_W0]
    mark = ax.axvline(0.0, color="0.3", lw=0.8, ls=":")
    ax.set(xlabel="step t", xlim=(0, _DYN_STEPS), ylim=(-0.55, 0.55), ylabel="weight $w_t$",
           yticks=[-0.5, 0, 0.5], xticks=[0, 20, 40, 60])
    ax.set_title(" ", fontsize=9, y=1.0)  # an explicit y: the title is not re-placed every frame
    # right: the population at step 0 (fixed) and at step t, one filled outline each, log counts
    bins = _DYN_BINS
    bx.stairs(np.histogram(_dyn_population(), bins)[0], bins, fill=True, color=PENALTY_COLORS["none"],
              alpha=0.35, label="$w_0$")
    hist = bx.stairs(np.zeros(bins.size - 1), bins, fill=True, color=PENALTY_COLORS["l1"], alpha=0.8,
                     label="$w_t$")
    bx_band = bx.axvspan(-0.01, 0.01, color="0.85", lw=0, zorder=0)
    bx.set_yscale("log")
    bx.set(xlabel="weight", ylabel="count (log scale)", xlim=(-0.6, 0.6), ylim=(0.8, 4000),
           yticks=[1, 10, 100, 1000], xticks=[-0.5, 0, 0.5])
    bx.yaxis.set_minor_locator(NullLocator())
    bx.set_title(" ", fontsize=9, y=1.0)
    leg = bx.legend(frameon=False, fontsize=8, loc="upper left")
    # Nothing of the layout depends on the values, but matplotlib would measure it again at
    # every frame: the axis labels' places (from every tick label's box) and the legend's
    # (a tree of boxes). Fix the axis labels where matplotlib puts them, and draw the
    # legend's entries as plain artists (axes coordinates) where the legend put them.
    _pin_axis_labels(fig)
    to_axes = bx.transAxes.inverted()
    entries = []
    for handle, text in zip(leg.legend_handles, leg.get_texts()):
        (x0, y0), (x1, y1) = to_axes.transform(handle.get_window_extent().get_points())
        patch = Rectangle((x0, y0), x1 - x0, y1 - y0)
        patch.update_from(handle)
        label = Text(*to_axes.transform(text.get_transform().transform(text.get_position())), text.get_text())
        label.update_from(text)
        for artist in (patch, label):
            artist.set_transform(bx.transAxes)
            artist.set_zorder(leg.get_zorder())
            bx.add_artist(artist)
        entries.append((patch, label))
    leg.remove()
    return {"ax": ax, "bx": bx, "band": band, "lines": lines, "mark": mark, "hist": hist,
            "bx_band": bx_band, "leg_patch": entries[1][0], "leg_text": entries[1][1]}


def _dyn_update(s: dict, data: dict, rule: str, alpha_lam: float, steps: int) -> None:
    from .plotting import PENALTY_COLORS

    alpha_lam = float(alpha_lam)
    steps = int(steps)
    color = PENALTY_COLORS["l2" if rule == "l2" else "l1"]
    s["band"].set_bounds(0.0, -alpha_lam, 1.0, 2 * alpha_lam)
    ts = np.arange(data["fan"].shape[0])
    ls = "--" if rule == "l1_proximal" else "-"
    for i, line in enumerate(s["lines"]):
        line.set_data(ts, data["fan"][:, i])
        line.set_color(color)
        line.set_linestyle(ls)
    s["mark"].set_xdata([steps, steps])
    s["ax"].title.set_text(f"{_RULE_LABELS[rule]}, ∂J/∂w = 0, αλ = {alpha_lam:g}")
    s["hist"].set_data(np.histogram(data["pop"], _DYN_BINS)[0])
    s["hist"].set_color(color)
    s["bx_band"].set_bounds(-alpha_lam, 0.0, 2 * alpha_lam, 1.0)
    s["leg_patch"].set_color(color)
    s["leg_text"].set_text(f"$w_{{{steps}}}$")
    s["bx"].title.set_text(f"{data['pop'].size} weights at t = {steps}: {data['zeros']:.0%} at 0, "
                           f"{data['inside']:.0%} in ±αλ")


@register_figure
def update_rule_explorer() -> Explorable:
    """Live figure of {ref}`chap-update-rules`: the three rules with a zero data gradient."""
    return Explorable(
        _dyn_update,
        [Choice("rule", {"L2": "l2", "L1": "l1", "proximal L1": "l1_proximal"}, label="rule"),
         Slider("alpha_lam", 0.01, 0.08, grid=[0.01, 0.02, 0.04, 0.08], log=True, label="α·λ",
                default=0.02),
         Slider("steps", 0, _DYN_STEPS, grid=[0, 10, 20, 40, 60], integer=True, label="steps t", default=20)],
        setup=_dyn_setup,
        compute=_dyn_compute,
        caption=(f"The three update rules with a zero data gradient. Left: {len(_DYN_W0)} weights over "
                 f"{_DYN_STEPS} steps (the dotted line marks step t); right: {_dyn_population().size} weights "
                 f"drawn from N(0, {_DYN_SD:g}²) (light) and the same weights after t steps, on a log "
                 "count axis. The grey band is ±αλ. L2 shrinks every weight by the same factor; L1 moves "
                 "each by αλ toward 0 and leaves it jumping inside the band; the proximal step sets it "
                 "to exactly 0."),
        alt=("Left, weight trajectories under the {rule} with alpha times lambda = {alpha_lam}; right, "
             "a histogram of a few thousand weights before and after {steps} steps."),
        name="fig-update-rule-explorer",
    )


# --------------------------------------------------------------------------------------
# Exact minimizers of a penalized least-squares cost ({ref}`chap-landscapes`)
# --------------------------------------------------------------------------------------

def _ls_args(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    X = v.array(X, "X", ndim=2)
    y = v.array(y, "y", ndim=1)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column; got shape {X.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows (examples); got {X.shape[0]} and {y.shape[0]}")
    return X, y


def _gram(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = X.shape[0]
    return X.T @ X / m, X.T @ y / m


def _coef(w: object, p: int) -> np.ndarray:
    w = v.array(w, "w", ndim=1)
    if w.shape[0] != p:
        raise ValueError(f"w must have one entry per column of X ({p}); got {w.shape[0]}")
    return w


def regularized_objective(X: np.ndarray, y: np.ndarray, w: np.ndarray, penalty: str, lam: float) -> float:
    """``J(w) + P(w)`` with ``J(w) = ‖Xw − y‖²/(2m)`` and P = λ‖w‖₁, λ‖w‖² or 0."""
    X, y = _ls_args(X, y)
    w = _coef(w, X.shape[1])
    v.choice(penalty, "penalty", PENALTIES)
    lam = v.nonneg(lam, "lam")
    r = X @ w - y
    J = float(r @ r) / (2 * X.shape[0])
    if penalty == "l1":
        return J + lam * float(np.abs(w).sum())
    if penalty == "l2":
        return J + lam * float(w @ w)
    return J


def _kkt(G: np.ndarray, c: np.ndarray, w: np.ndarray, penalty: str, lam: float) -> float:
    g = G @ w - c  # ∇J
    if penalty == "l2":
        return float(np.max(np.abs(g + 2.0 * lam * w)))
    if penalty == "none" or lam == 0.0:
        return float(np.max(np.abs(g)))
    nz = w != 0.0
    on = np.abs(g[nz] + lam * np.sign(w[nz]))
    off = np.maximum(np.abs(g[~nz]) - lam, 0.0)
    return float(max(on.max(initial=0.0), off.max(initial=0.0)))


def kkt_violation(X: np.ndarray, y: np.ndarray, w: np.ndarray, penalty: str, lam: float) -> float:
    """How far ``w`` is from optimal for ``J + P``, in units of the gradient ∇J = Xᵀ(Xw − y)/m.

    L2 and none: ``max_j |∇J_j + 2λw_j|`` (the gradient of J + P vanishes). L1: the
    subgradient conditions ``∇J_j = −λ·sign(w_j)`` where ``w_j ≠ 0`` and ``|∇J_j| ≤ λ``
    where ``w_j = 0``; the violation is the largest amount by which one fails. For
    ``penalty="none"`` the minimizer of a rank-deficient X is not unique, and this only
    checks that ``w`` is one of them. See {ref}`chap-landscapes`.
    """
    X, y = _ls_args(X, y)
    w = _coef(w, X.shape[1])
    v.choice(penalty, "penalty", PENALTIES)
    lam = v.nonneg(lam, "lam")
    G, c = _gram(X, y)
    return _kkt(G, c, w, penalty, lam)


def _accept(G: np.ndarray, c: np.ndarray, w: np.ndarray, lam: float, tol: float) -> bool:
    scale = max(float(np.max(np.abs(c))), lam, 1e-300)
    floor = 64 * np.finfo(float).eps * (float(np.max(np.abs(G))) * float(np.abs(w).sum()) + scale)
    return _kkt(G, c, w, "l1", lam) <= max(tol * scale, floor)


def _polish(G: np.ndarray, c: np.ndarray, w: np.ndarray, lam: float) -> np.ndarray | None:
    """The active-set solve: with the support A and signs s of ``w``, ``G_AA w_A = c_A − λ s_A``."""
    A = np.flatnonzero(w)
    if A.size == 0:
        return np.zeros_like(w)
    s = np.sign(w[A])
    GAA = G[np.ix_(A, A)]
    try:
        wA = np.linalg.solve(GAA, c[A] - lam * s)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.sign(wA) == s):
        return None
    out = np.zeros_like(w)
    out[A] = wA
    return out


def _lasso_cd(G: np.ndarray, c: np.ndarray, lam: float, w: np.ndarray, tol: float, max_sweeps: int) -> np.ndarray:
    """Cyclic coordinate descent on ``½wᵀGw − cᵀw + λ‖w‖₁``, polished by an active-set solve."""
    p = c.shape[0]
    w = w.astype(float, copy=True)
    diag = np.diag(G).copy()
    g = G @ w - c
    for sweep in range(1, max_sweeps + 1):
        for j in range(p):
            if diag[j] <= 0.0:  # a zero column: w_j does not change J, the penalty puts it at 0
                new = 0.0
            else:
                z = w[j] - g[j] / diag[j]
                new = np.sign(z) * max(abs(z) - lam / diag[j], 0.0)
            if new != w[j]:
                g += G[:, j] * (new - w[j])
                w[j] = new
        if sweep % 5 == 0 or sweep == max_sweeps:
            g = G @ w - c  # refresh, so rounding does not accumulate
            if _accept(G, c, w, lam, tol):
                return w
            polished = _polish(G, c, w, lam)
            if polished is not None and _accept(G, c, polished, lam, tol):
                return polished
    raise RuntimeError(f"coordinate descent did not reach the KKT tolerance {tol:g} in {max_sweeps} sweeps; "
                       "the columns of X may be nearly collinear: standardize them or raise max_sweeps")


def regularized_minimizer(
    X: np.ndarray,           # (m, p) data, one example per row
    y: np.ndarray,           # (m,) targets
    penalty: str,            # "none", "l1" or "l2"
    lam: float,              # λ ≥ 0
    *,
    tol: float = 1e-12,      # relative tolerance on the optimality (KKT) conditions, for L1
    max_sweeps: int = 100_000,
) -> np.ndarray:
    """The exact minimizer of ``J(w) + P(w)``, ``J(w) = ‖Xw − y‖²/(2m)``, for any number of columns.

    * ``"none"`` (or λ = 0 without L2): least squares, ``XᵀX w = Xᵀy``; the minimum-norm
      solution (``lstsq``) when X has dependent columns.
    * ``"l2"``: ``(XᵀX/m + 2λI) w = Xᵀy/m``, one linear solve (unique for λ > 0).
    * ``"l1"``: coordinate descent, ``w_j ← S(w_j − ∇J_j/G_jj, λ/G_jj)`` with S the soft
      threshold, until the KKT conditions of :func:`kkt_violation` hold to ``tol`` (relative
      to ‖Xᵀy/m‖∞); then the active-set system ``G_AA w_A = Xᵀ_A y/m − λ·sign(w_A)`` is
      solved directly, so the result is exact to rounding and its zeros are exact zeros.

    Cross-checked against scikit-learn's ``Lasso(alpha=λ)`` and ``Ridge(alpha=2mλ)`` (both
    without intercept) in the tests. See {ref}`chap-landscapes`.
    """
    X, y = _ls_args(X, y)
    v.choice(penalty, "penalty", PENALTIES)
    lam = v.nonneg(lam, "lam")
    tol = v.positive(tol, "tol")
    max_sweeps = v.positive_int(max_sweeps, "max_sweeps")
    return _minimize(X, y, penalty, lam, tol, max_sweeps, None)


def _minimize(X: np.ndarray, y: np.ndarray, penalty: str, lam: float, tol: float, max_sweeps: int,
              w0: np.ndarray | None, gram: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    p = X.shape[1]
    if penalty == "none" or lam == 0.0:
        return np.linalg.lstsq(X, y, rcond=None)[0]
    G, c = gram if gram is not None else _gram(X, y)
    if penalty == "l2":
        return np.linalg.solve(G + 2.0 * lam * np.eye(p), c)
    if float(np.max(np.abs(c))) <= lam:  # the origin satisfies the KKT conditions
        return np.zeros(p)
    return _lasso_cd(G, c, lam, np.zeros(p) if w0 is None else w0, tol, max_sweeps)


def regularization_path(X: np.ndarray, y: np.ndarray, penalty: str, lams: Sequence[float]) -> np.ndarray:
    """The minimizer of ``J + P`` at each λ of ``lams``: an array of shape ``(len(lams), p)``.

    Each row is :func:`regularized_minimizer` at that λ (L1 warm-starts from the previous
    row). Under L1 a coordinate is exactly 0 on whole intervals of λ, and for every λ
    above a finite value (see :func:`lasso_path`); under L2,
    ``w(λ) = (XᵀX/m + 2λI)⁻¹Xᵀy/m`` tends to 0 as λ → ∞ without reaching it (for Xᵀy ≠ 0),
    and a coordinate is 0 only at isolated values of λ, where it changes sign
    (:func:`initreg.ridge_zeros`). See {ref}`chap-landscapes`.
    """
    X, y = _ls_args(X, y)
    v.choice(penalty, "penalty", PENALTIES)
    lams = v.array(lams, "lams", ndim=1)
    if lams.size == 0:
        raise ValueError("lams must hold at least one value")
    if np.any(lams < 0):
        raise ValueError(f"lams must all be >= 0; got {float(lams.min())!r}")
    gram = _gram(X, y)
    out = np.empty((lams.size, X.shape[1]))
    w = None
    for i, lam in enumerate(lams):
        w = _minimize(X, y, penalty, float(lam), 1e-12, 100_000, w, gram)
        out[i] = w
    return out


def lasso_lambda_max(X: np.ndarray, y: np.ndarray) -> float:
    """``λ_max = ‖Xᵀy‖∞/m``: the smallest λ at which every L1 coordinate is exactly 0.

    At w = 0 the KKT conditions read ``|X_jᵀy/m| ≤ λ`` for every j. See {ref}`chap-landscapes`.
    """
    X, y = _ls_args(X, y)
    return float(np.max(np.abs(X.T @ y))) / X.shape[0]


@dataclass(frozen=True)
class LassoPath:
    """The exact L1 regularization path of a least-squares cost, as its knots.

    Between two knots the minimizer is linear in λ, so :meth:`at` is exact everywhere.
    ``lams`` decreases from ``λ_max`` to 0; ``coefs[k]`` is the minimizer at ``lams[k]``;
    ``events[k]`` says which coordinate entered (``+j``, 1-based) or left (``−j``) the
    active set at ``lams[k]``. See {ref}`chap-landscapes`.
    """

    lams: np.ndarray
    coefs: np.ndarray
    events: tuple[int, ...]

    def at(self, lam: float) -> np.ndarray:
        """The minimizer at ``lam``, by linear interpolation between the two knots around it."""
        lam = v.nonneg(lam, "lam")
        if lam >= self.lams[0]:
            return np.zeros(self.coefs.shape[1])
        k = int(np.searchsorted(-self.lams, -lam, side="right")) - 1  # lams[k] >= lam > lams[k+1]
        k = min(max(k, 0), len(self.lams) - 2)
        hi, lo = self.lams[k], self.lams[k + 1]
        t = (hi - lam) / (hi - lo)
        w = self.coefs[k] + t * (self.coefs[k + 1] - self.coefs[k])
        w[(self.coefs[k] == 0) & (self.coefs[k + 1] == 0)] = 0.0
        return w

    @property
    def zero_lambda(self) -> np.ndarray:
        """For each coordinate j, ``sup{λ : w_j(λ) ≠ 0}``: above it, w_j is exactly 0 for good."""
        out = np.zeros(self.coefs.shape[1])
        for j in range(self.coefs.shape[1]):
            nz = np.flatnonzero(self.coefs[1:, j] != 0.0)
            if nz.size:
                out[j] = self.lams[nz[0]]
        return out

    def __repr__(self) -> str:
        return (f"LassoPath({self.coefs.shape[1]} coordinates, {len(self.lams)} knots, "
                f"λ_max = {self.lams[0]:.6g})")


def lasso_path(X: np.ndarray, y: np.ndarray) -> LassoPath:
    """The exact L1 path of ``J(w) + λ‖w‖₁``, from λ_max down to 0, by the LARS–lasso homotopy.

    With active set A and signs s, the minimizer is ``w_A(λ) = G_AA⁻¹(c_A − λ s_A)``
    (G = XᵀX/m, c = Xᵀy/m). Going down in λ, the next knot is the largest λ at which an
    inactive coordinate's correlation ``|c_j − G_jA w_A(λ)|`` reaches λ (it enters) or an
    active coordinate reaches 0 (it leaves). Needs the active columns to stay linearly
    independent, which holds for data in general position. See {ref}`chap-landscapes`.
    """
    X, y = _ls_args(X, y)
    G, c = _gram(X, y)
    p = c.shape[0]
    lam = float(np.max(np.abs(c)))
    if lam == 0.0:
        return LassoPath(np.array([0.0]), np.zeros((1, p)), (0,))
    rel = 1e-12
    rank = int(np.linalg.matrix_rank(X))
    first = int(np.argmax(np.abs(c)))
    active = [first]
    signs = np.sign(c)
    lams, coefs, events = [lam], [np.zeros(p)], [first + 1]
    for _ in range(20 * p + 20):
        A = np.asarray(active)
        GAA = G[np.ix_(A, A)]
        if np.linalg.matrix_rank(GAA) < A.size:
            raise ValueError("lasso_path needs linearly independent active columns of X; "
                             "these columns are collinear (use regularized_minimizer instead)")
        a = np.linalg.solve(GAA, c[A])
        b = np.linalg.solve(GAA, signs[A])
        best, event = 0.0, 0
        inactive = np.setdiff1d(np.arange(p), A)
        # with as many active columns as the rank of X the fit is exact up to λ and every
        # inactive correlation stays proportional to λ: nothing more can enter
        if inactive.size and A.size < rank:
            GIA = G[np.ix_(inactive, A)]
            pj = c[inactive] - GIA @ a
            qj = GIA @ b
            for j, pv, qv in zip(inactive, pj, qj):
                for sgn in (1.0, -1.0):
                    if sgn - qv != 0.0:
                        cand = pv / (sgn - qv)
                        if best < cand < lam * (1 - rel):
                            best, event = cand, int(j) + 1
        for i, k in enumerate(A):
            if b[i] != 0.0:
                cand = a[i] / b[i]
                if best < cand < lam * (1 - rel):
                    best, event = cand, -(int(k) + 1)
        w = np.zeros(p)
        w[A] = a - best * b
        if event < 0:
            w[-event - 1] = 0.0
        lams.append(best)
        coefs.append(w)
        events.append(event)
        if best == 0.0:
            break
        if event > 0:
            j = event - 1
            active.append(j)
            # the sign of an entering coordinate is the sign of its correlation at the knot
            r = c[j] - G[j, A] @ (a - best * b)
            signs[j] = np.sign(r)
        else:
            active.remove(-event - 1)
        lam = best
    else:  # pragma: no cover - a path has at most a few times p knots
        raise RuntimeError("lasso_path did not reach λ = 0")
    return LassoPath(np.asarray(lams), np.vstack(coefs), tuple(events))
