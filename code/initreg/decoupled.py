"""Weight decay is not L2 under Adam {cite:p}`loshchilov2019decoupled`, measured on the digits.

Adam can regularize in two ways (:func:`initreg.adam_update`):

* **Adam with L2** (``"adam_l2"``): the penalty's gradient 2λw joins the data gradient g
  before the moments, and the step is ``α·m̂/(√v̂ + ε)``. The first moment is linear in
  its inputs, so it splits exactly as ``m = m_data + m_pen`` with ``m_pen`` the running
  mean of 2λw: the penalty's part of the step is ``α·m̂_pen/(√v̂ + ε)``, about
  ``2αλ·w/(√v̂ + ε)``, divided by the size of the weight's own gradient history.
* **AdamW** (``"adamw"``): every weight is first multiplied by ``1 − α·d`` and the Adam step
  sees the data gradient alone: every weight decays by the same ``α·d`` per step.

:func:`decay_trace` trains one network in full batch and measures, weight by weight, the
shrink per step that the penalty (or the decay) causes, beside √v̂; it also follows the
weights whose data gradient is exactly 0 (those of inputs that are constant in training).
:func:`decay_grid` trains a grid of learning rates × strengths on a few seeds and finds
the best strength at each rate; :attr:`DecayGrid.slopes` measures how far it moves with
the rate. See {ref}`chap-views`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .datasets import DataSplit
from .network import Network
from .optimizers import adam_update
from .training import train
from .weights import holdout_split

__all__ = ["DECAY_FORMS", "DECAY_FORM_LABELS", "DecayTrace", "decay_trace", "DecayGrid", "decay_grid"]

#: The two ways Adam regularizes: the L2 penalty in the gradient, or decoupled decay.
DECAY_FORMS: tuple[str, ...] = ("adam_l2", "adamw")
#: Their names in the book's text and figures.
DECAY_FORM_LABELS: dict[str, str] = {"adam_l2": "Adam with L2", "adamw": "AdamW"}

_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-8


def _form_kwargs(form: str, strength: float) -> dict[str, float]:
    """``adam_update``'s (and ``train``'s) arguments for ``form`` at ``strength``."""
    return {"lam": strength} if form == "adam_l2" else {"decay": strength}


def _check_decay(form: str, alpha: float, strength: float) -> None:
    if form == "adamw" and alpha * strength >= 1.0:
        raise ValueError(f"AdamW multiplies the weights by 1 − α·d, which must be in (0, 1); "
                         f"got α·d = {alpha * strength:g}")


@dataclass(frozen=True)
class DecayTrace:
    """What the penalty (or the decay) does to each weight, at the last of ``steps`` steps.

    ``rate[i]`` is weight i's shrink per step caused by the regularizer, as a fraction of
    the weight: ``α·m̂_pen/((√v̂ + ε)·w)`` for Adam with L2, and for AdamW the difference
    between the engine's step without and with the decay, divided by w. ``sqrt_vhat[i]`` is
    its √v̂. Both run over every weight matrix, flattened; ``data_moved`` is False for the
    weights whose data gradient is exactly 0 at every step, the first-layer weights of the
    inputs that are 0 in every training row, and ``zero_grad`` follows those weights, one
    column per weight, from step 0 to ``steps``.
    """

    form: str
    alpha: float
    strength: float
    steps: int
    rate: np.ndarray
    sqrt_vhat: np.ndarray
    data_moved: np.ndarray
    zero_grad: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    train_loss: float

    @property
    def predicted(self) -> np.ndarray:
        """The rate the module's formula predicts: ``2αλ/(√v̂ + ε)`` with L2, ``α·d`` for AdamW."""
        if self.form == "adam_l2":
            return 2 * self.alpha * self.strength / (self.sqrt_vhat + _EPS)
        return np.full_like(self.rate, self.alpha * self.strength)

    @property
    def shown(self) -> np.ndarray:
        """The weights the data moves and whose decay per step is positive (not those that have
        just crossed 0, where the running mean of 2λw still has the other sign)."""
        return self.data_moved & (np.nan_to_num(self.rate, nan=-1.0) > 0)

    def __repr__(self) -> str:
        lo, hi = np.percentile(self.rate[self.shown], [10, 90])
        return (f"DecayTrace({DECAY_FORM_LABELS[self.form]}, α = {self.alpha:g}, strength {self.strength:g}, "
                f"{self.steps} steps: decay per step from {lo:.3g} to {hi:.3g} (10th to 90th percentile of the "
                f"{int(self.shown.sum())} weights the data moves))")


def decay_trace(
    X: np.ndarray,                 # training inputs (constant columns give zero-gradient weights)
    y: np.ndarray,                 # class labels
    form: str,                     # one of DECAY_FORMS
    strength: float,               # λ for Adam with L2, d for AdamW
    *,
    alpha: float,                  # the learning rate α
    steps: int,                    # full-batch Adam steps
    sizes: Sequence[int],          # the network's layer widths
    seed: int,                     # the initialization's seed
) -> DecayTrace:
    """Train ``Network(sizes, "tanh")`` by full-batch Adam in ``form`` and measure, per weight,
    the shrink per step its regularizer causes (see :class:`DecayTrace`).

    Every step is :func:`initreg.adam_update` on every weight matrix and bias (biases are
    never penalized), the same arithmetic as ``initreg.train(optimizer="adam")``; beside it
    the running mean of 2λw, ``m_pen``, is kept with the first moment's update, so that
    ``m − m_pen`` is the running mean of the data gradients alone. See {ref}`chap-views`.
    """
    form = v.choice(form, "form", DECAY_FORMS)
    strength = v.positive(strength, "strength")
    alpha = v.positive(alpha, "alpha")
    steps = v.positive_int(steps, "steps")
    _check_decay(form, alpha, strength)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a sequence of layer widths (n[0], ..., n[L]); got {sizes!r}")
    net = Network(list(sizes), "tanh", rng=np.random.default_rng(v.nonneg_int(seed, "seed")))
    Xc = net.check_X(X)
    yc = net.check_y(y, Xc.shape[0])
    const = np.flatnonzero(np.all(Xc == 0.0, axis=0))  # inputs that are 0 in every row
    kw = _form_kwargs(form, strength)
    W = [w.copy() for w in net.weights]
    b = [c.copy() for c in net.biases]
    mW, vW, pW = ([np.zeros_like(w) for w in W] for _ in range(3))
    mb, vb = ([np.zeros_like(c) for c in b] for _ in range(2))
    zero = [W[0][:, const].copy()]
    rates, roots = [], []
    for t in range(1, steps + 1):
        for k in range(len(W)):
            net.weights[k][...] = W[k]
            net.biases[k][...] = b[k]
        g = net.backward(Xc, yc)
        for k in range(len(W)):
            if form == "adam_l2":  # the running mean of the penalty's gradient, as adam_update keeps m
                pW[k] = pW[k] + (1.0 - _BETA1) * (2.0 * strength * W[k] - pW[k])
            new, m_new, v_new = adam_update(W[k], g.dW[k], mW[k], vW[k], t, alpha=alpha, **kw)
            if t == steps:
                root = np.sqrt(v_new / (1.0 - _BETA2**t))
                with np.errstate(divide="ignore", invalid="ignore"):
                    if form == "adam_l2":
                        part = alpha * (pW[k] / (1.0 - _BETA1**t)) / (root + _EPS)
                    else:  # the same step without the decay, from the same state, minus the step with it
                        part = adam_update(W[k], g.dW[k], mW[k], vW[k], t, alpha=alpha)[0] - new
                    rates.append(np.where(W[k] != 0, part / W[k], np.nan).ravel())
                roots.append(root.ravel())
            W[k], mW[k], vW[k] = new, m_new, v_new
            b[k], mb[k], vb[k] = adam_update(b[k], g.db[k], mb[k], vb[k], t, alpha=alpha)
        zero.append(W[0][:, const].copy())
    for k in range(len(W)):
        net.weights[k][...] = W[k]
        net.biases[k][...] = b[k]
    loss, _ = net.evaluate(Xc, yc)
    moved = [np.ones(w.shape, dtype=bool) for w in W]
    moved[0][:, const] = False
    return DecayTrace(form, alpha, strength, steps, np.concatenate(rates), np.concatenate(roots),
                      np.concatenate([mk.ravel() for mk in moved]), np.array([z.ravel() for z in zero]),
                      tuple(w.copy() for w in W), tuple(c.copy() for c in b), float(loss))


# ------------------------------------------------------------------ the grid of α × strength
@dataclass(frozen=True)
class DecayGrid:
    """Validation losses of networks trained at every learning rate × strength, per seed.

    ``val_loss[s, i, j]`` is seed s's validation loss at ``lrs[i]`` and ``strengths[j]``
    (λ for Adam with L2, d for AdamW, or with ``per_step`` AdamW's decay per step α·d, the
    λ of Loshchilov and Hutter's paper), averaged over the last ``average_last`` epochs;
    ``train_accuracy`` is at the last epoch. Each seed draws its own training and validation
    rows, initialization and minibatch order.
    """

    form: str
    lrs: np.ndarray
    strengths: np.ndarray
    seeds: tuple[int, ...]
    val_loss: np.ndarray
    train_accuracy: np.ndarray
    epochs: int
    steps: int
    average_last: int = 1
    per_step: bool = False

    @property
    def mean_loss(self) -> np.ndarray:
        """The validation loss averaged over the seeds, ``(len(lrs), len(strengths))``."""
        return self.val_loss.mean(axis=0)

    def regret(self, seeds: np.ndarray | None = None) -> tuple[float, int]:
        """The best single strength's regret and its index: for each strength, the largest
        relative excess of the seed-averaged loss (over the seeds indexed by ``seeds``, all by
        default, repeats allowed) over the lowest loss of each row; the smallest of these."""
        L = self.val_loss if seeds is None else self.val_loss[np.asarray(seeds, dtype=int)]
        M = L.mean(axis=0)
        excess = (M - M.min(axis=1, keepdims=True)) / M.min(axis=1, keepdims=True)
        worst = excess.max(axis=0)
        j = int(np.argmin(worst))
        return float(worst[j]), j

    def regret_bootstrap(self, rng: np.random.Generator, draws: int = 2000) -> np.ndarray:
        """:meth:`regret` on ``draws`` resamples of the seeds with replacement."""
        v.instance(rng, "rng", np.random.Generator, example="np.random.default_rng(0)")
        draws = v.positive_int(draws, "draws")
        n = len(self.seeds)
        return np.array([self.regret(rng.integers(0, n, n))[0] for _ in range(draws)])

    def best_log10(self) -> np.ndarray:
        """``(seeds, lrs)``: log10 of the best strength at each rate: the vertex of the
        parabola in log10(strength) through the row's lowest loss and its two neighbours
        (the grid's end when the lowest loss is at an end of the row)."""
        lg = np.log10(self.strengths)
        out = np.empty(self.val_loss.shape[:2])
        for s, i in np.ndindex(out.shape):
            row = self.val_loss[s, i]
            j = int(np.argmin(row))
            out[s, i] = lg[j]
            if 0 < j < row.size - 1:
                a, b, c = row[j - 1], row[j], row[j + 1]
                curv = a - 2 * b + c
                if curv > 0:
                    out[s, i] = lg[j] + 0.5 * (a - c) / curv * (lg[j + 1] - lg[j])
        return out

    def at_edge(self) -> np.ndarray:
        """``(seeds, lrs)``: True where a row's lowest loss is at an end of the strength grid."""
        j = np.argmin(self.val_loss, axis=2)
        return (j == 0) | (j == self.strengths.size - 1)

    @property
    def slopes(self) -> np.ndarray:
        """Per seed: the least-squares slope of log10(best strength) against log10(α). 0 means
        the best strength does not move with the learning rate (the good region is separable);
        −1 means it moves as 1/α."""
        x = np.log10(self.lrs)
        return np.array([np.polyfit(x, row, 1)[0] for row in self.best_log10()])

    def __repr__(self) -> str:
        sl = ", ".join(f"{s:.2f}" for s in self.slopes)
        return (f"DecayGrid({DECAY_FORM_LABELS[self.form]}: {self.lrs.size} learning rates × "
                f"{self.strengths.size} strengths × {len(self.seeds)} seeds, {self.steps} steps; "
                f"slopes of the best strength: {sl})")


def _increasing(values: object, name: str) -> np.ndarray:
    arr = v.array(values, name, ndim=1)
    if arr.size < 3 or np.any(arr <= 0) or np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be at least 3 increasing positive numbers; got {arr.tolist()}")
    return arr


def decay_grid(
    data: DataSplit,               # the digits, e.g. initreg.load_digits(); its training rows are split
    form: str,                     # one of DECAY_FORMS
    lrs: Sequence[float],          # increasing learning rates α
    strengths: Sequence[float],    # increasing λ (Adam with L2) or d (AdamW)
    *,
    seeds: Sequence[int],
    n_train: int,
    n_val: int,
    width: int,
    epochs: int,
    batch_size: int,
    average_last: int = 1,         # average the validation loss over this many last epochs
    per_step: bool = False,        # AdamW only: the strengths are the decay per step α·d, the paper's λ
) -> DecayGrid:
    """Train ``[n_features, width, n_classes]`` tanh networks with Adam in ``form`` at every
    learning rate and strength, on ``n_train`` training rows, and measure the loss on
    ``n_val`` validation rows, averaged over the last ``average_last`` epochs (which
    smooths the epoch-to-epoch noise of minibatch training). With ``per_step`` (AdamW only)
    each strength is the decay per step α·d, the λ of {cite:p}`loshchilov2019decoupled`, and
    the run at rate α uses ``d = strength/α``. Every seed has its own rows (:func:`initreg.holdout_split`),
    initialization and minibatch order (three generators spawned from the seed).
    See {ref}`chap-views`.
    """
    v.instance(data, "data", DataSplit, example="e.g. initreg.load_digits()")
    form = v.choice(form, "form", DECAY_FORMS)
    lr_arr, s_arr = _increasing(lrs, "lrs"), _increasing(strengths, "strengths")
    if not isinstance(per_step, bool):
        raise TypeError(f"per_step must be True or False; got {per_step!r}")
    if per_step and form != "adamw":
        raise ValueError("per_step applies to form='adamw' only (the decay per step α·d)")
    if per_step and s_arr[-1] >= 1.0:
        raise ValueError(f"with per_step the strengths are α·d and must be below 1; got {s_arr[-1]:g}")
    if form == "adamw" and not per_step:
        _check_decay(form, float(lr_arr[-1]), float(s_arr[-1]))
    seed_list = v.seeds(seeds)
    width = v.positive_int(width, "width")
    epochs = v.positive_int(epochs, "epochs")
    batch_size = v.positive_int(batch_size, "batch_size")
    average_last = v.positive_int(average_last, "average_last")
    if average_last > epochs:
        raise ValueError(f"average_last must be at most epochs = {epochs}; got {average_last}")
    record = epochs if average_last == 1 else 1
    loss = np.empty((len(seed_list), lr_arr.size, s_arr.size))
    acc = np.empty_like(loss)
    steps = 0
    for si, seed in enumerate(seed_list):
        g_split, g_init, g_batch = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
        split = holdout_split(data, n_train, n_val, rng=g_split)
        net0 = Network([data.n_features, width, data.n_classes], "tanh", rng=g_init)
        batch_state = g_batch.bit_generator.state
        for i, lr in enumerate(lr_arr):
            for j, s_j in enumerate(s_arr):
                s = s_j / lr if per_step else s_j
                net = net0.copy()
                rng = np.random.default_rng()
                rng.bit_generator.state = batch_state  # the same minibatches at every setting
                h = train(net, split.X_train, split.y_train, epochs=epochs, lr=float(lr), batch_size=batch_size,
                          rng=rng, optimizer="adam", X_test=split.X_val, y_test=split.y_val,
                          record_every=record, **({"penalty": "l2", "lam": float(s)} if form == "adam_l2"
                                                  else {"decay": float(s)}))
                if h.diverged:
                    raise RuntimeError(f"training diverged at α = {lr:g}, strength {s:g} (seed {seed}): "
                                       f"{h.status}; use smaller learning rates")
                loss[si, i, j] = float(np.mean(h.test_loss[-average_last:]))
                acc[si, i, j] = h.accuracy[-1]
                steps = h.steps_taken
    return DecayGrid(form, lr_arr, s_arr, seed_list, loss, acc, epochs, steps, average_last, per_step)
