"""Deep linear networks and orthogonal initialization (Saxe, McClelland & Ganguli), {ref}`chap-beyond`.

A deep linear network of ``L`` layers maps an input x to ŷ = W[L] ⋯ W[2] W[1] x: every
layer is linear, so the network computes one matrix, the product W = W[L] ⋯ W[1], yet
gradient descent on the layers is a nonlinear dynamical system whose speed depends on the
depth and on how the layers start. Trained by least squares on m examples,

.. math::  J = \\frac{1}{2m}\\sum_i \\lVert W x_i - y_i \\rVert^2
             = \\tfrac12 \\operatorname{tr}(W \\Sigma_{xx} W^\\top) - \\operatorname{tr}(W \\Sigma_{yx}^\\top)
               + \\tfrac12\\,\\mathbb{E}\\lVert y \\rVert^2,

with Σxx = XᵀX/m and Σyx = YᵀX/m, so the loss and its gradient need the data only
through these two matrices (a :class:`LinearTask`). With G = ∂J/∂W = W Σxx − Σyx,

.. math::  \\frac{\\partial J}{\\partial W^{[l]}} = (W^{[L]} \\cdots W^{[l+1]})^\\top\\, G\\,
           (W^{[l-1]} \\cdots W^{[1]})^\\top .

:func:`deep_linear_gradients` is this formula for one network, as written.
:func:`deep_linear_study` trains many networks (depths, initializations, learning rates,
seeds) by full-batch gradient descent and counts the steps each needs to bring the loss
within a set fraction of the way to its optimum; its loop is the *fast path* (marked
below): the same formula for a stack of networks at once, in products of k × n matrices
only. tests/test_deeplinear.py compares the two.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _threads
from . import _validate as v
from .datasets import load_digits
from .initializers import init_weights
from .tables import TextTable

__all__ = [
    "LinearTask",
    "linear_task",
    "digits_linear_task",
    "deep_linear_weights",
    "deep_linear_product",
    "deep_linear_gradients",
    "DEEP_LINEAR_INITS",
    "DEEP_LINEAR_DIVERGED",
    "deep_linear_rate",
    "DeepLinearStudy",
    "deep_linear_study",
]

#: The initializations :func:`deep_linear_study` compares by default: Saxe et al.'s "scaled
#: Gaussian" N(0, 1/n[l-1]) (the book's ``xavier``) and random orthogonal matrices.
DEEP_LINEAR_INITS: tuple[str, ...] = ("xavier", "orthogonal")

#: A run of :func:`deep_linear_study` whose loss grows past this multiple of where it started
#: (or of the zero map's loss, if that is larger) has diverged, and stops.
DEEP_LINEAR_DIVERGED = 1e4


@dataclass(frozen=True, eq=False)
class LinearTask:
    """A least-squares task through its second moments: J(W) = ½tr(W Σxx Wᵀ) − tr(W Σyxᵀ) + c.

    ``sxx`` is Σxx = XᵀX/m (n_in × n_in), ``syx`` is Σyx = YᵀX/m (n_out × n_in) and ``c`` is
    ½E‖y‖², the loss of the zero map.
    """

    sxx: np.ndarray
    syx: np.ndarray
    c: float
    name: str = ""

    @property
    def n_in(self) -> int:
        return int(self.sxx.shape[0])

    @property
    def n_out(self) -> int:
        return int(self.syx.shape[0])

    def loss(self, W: np.ndarray) -> np.ndarray | float:
        """J(W) for one end-to-end matrix W (n_out × n_in), or for a stack of them (…, n_out, n_in)."""
        W = np.asarray(W, dtype=np.float64)
        if W.shape[-2:] != self.syx.shape:
            raise ValueError(f"W must have shape (..., {self.n_out}, {self.n_in}); got {W.shape}")
        J = (0.5 * np.einsum("...ij,jk,...ik->...", W, self.sxx, W)
             - np.einsum("...ij,ij->...", W, self.syx) + self.c)
        return float(J) if J.ndim == 0 else J

    @functools.cached_property
    def optimum(self) -> np.ndarray:
        """W* = Σyx Σxx⁺, the least-squares map (the minimum-norm one if Σxx is singular)."""
        return self.syx @ np.linalg.pinv(self.sxx)

    @property
    def loss_star(self) -> float:
        """J(W*), the smallest loss any network can reach."""
        return float(self.loss(self.optimum))

    @property
    def lambda_max(self) -> float:
        """The largest eigenvalue of Σxx (the curvature of J along its steepest direction)."""
        return float(np.linalg.eigvalsh(self.sxx)[-1])

    def threshold(self, fraction: float) -> float:
        """The loss J* + fraction·(J(0) − J*): ``fraction`` of the way from the optimum back to the zero map."""
        fraction = v.real(fraction, "fraction", low=0.0, low_open=True, high=1.0)
        return self.loss_star + fraction * (self.c - self.loss_star)

    def __repr__(self) -> str:
        return f"LinearTask({self.name!r}: {self.n_in} inputs → {self.n_out} outputs, J* = {self.loss_star:.4f})"


def linear_task(X: object, Y: object, *, name: str = "") -> LinearTask:
    """The :class:`LinearTask` of inputs ``X`` (m × n_in) and targets ``Y`` (m × n_out)."""
    X = v.array(X, "X", ndim=2)
    Y = v.array(Y, "Y", ndim=2)
    if X.shape[0] != Y.shape[0] or X.shape[0] == 0:
        raise ValueError(f"X and Y must have the same positive number of rows; got {X.shape[0]} and {Y.shape[0]}")
    m = X.shape[0]
    return LinearTask(X.T @ X / m, Y.T @ X / m, float(0.5 * np.mean(np.sum(Y * Y, axis=1))), name)


@functools.lru_cache(maxsize=8)
def digits_linear_task(components: int = 32, *, seed: int = 0, target_scale: float = 1.0) -> LinearTask:
    """The digits as a linear task: the top ``components`` principal components of the
    standardized training images (:func:`initreg.load_digits` with ``seed``), whitened,
    mapped to the one-hot labels times ``target_scale``.

    Whitening x̃ = Λ^{-1/2} Uᵀ x (U, Λ the leading eigenvectors and eigenvalues of Σxx)
    makes Σx̃x̃ = I, the input Saxe et al.'s analysis assumes; the optimum is then W* = Σyx̃,
    and J = ½‖W − W*‖² + J*. Scaling the labels by s scales W* (its singular values, the
    strengths of the modes to learn) by s and the loss by s². Cached.
    """
    components = v.positive_int(components, "components")
    target_scale = v.positive(target_scale, "target_scale")
    data = load_digits(seed=seed)
    X = data.X_train
    if components > X.shape[1]:
        raise ValueError(f"components must be at most {X.shape[1]} (the pixels); got {components}")
    evals, evecs = np.linalg.eigh(X.T @ X / X.shape[0])
    order = np.argsort(evals)[::-1][:components]
    if evals[order[-1]] <= 1e-12 * evals[order[0]]:
        raise ValueError(f"components must be at most the rank of the pixels' covariance; got {components}")
    Z = X @ (evecs[:, order] / np.sqrt(evals[order]))
    Y = target_scale * np.eye(data.n_classes)[data.y_train]
    scaled = "" if target_scale == 1 else f" × {target_scale:g}"
    return linear_task(Z, Y, name=f"digits, {components} whitened components → one-hot labels{scaled}")


def _sizes(task: LinearTask, depth: int, width: int) -> tuple[int, ...]:
    return (task.n_in,) + (width,) * (depth - 1) + (task.n_out,)


def deep_linear_weights(
    task: LinearTask,
    depth: int,  # L, the number of weight matrices
    init: str,  # a scheme of INIT_SCHEMES with its own variance, e.g. "xavier" or "orthogonal"
    *,
    width: int,  # n, the units of every hidden layer
    rng: np.random.Generator,
) -> list[np.ndarray]:
    """W[1], ..., W[L] of a deep linear network n_in → n → ⋯ → n → n_out, drawn from ``init``
    by :func:`initreg.init_weights` in that order from ``rng``."""
    v.instance(task, "task", LinearTask)
    depth = v.positive_int(depth, "depth")
    width = v.positive_int(width, "width")
    v.generator(rng)
    sizes = _sizes(task, depth, width)
    return [init_weights(a, b, init, rng=rng) for a, b in zip(sizes[:-1], sizes[1:])]


def deep_linear_product(weights: Sequence[np.ndarray]) -> np.ndarray:
    """The end-to-end matrix W = W[L] ⋯ W[2] W[1] of ``weights = [W[1], ..., W[L]]``."""
    ws = [v.array(w, f"weights[{i}]", ndim=2) for i, w in enumerate(v.items_of(weights, "weights", object))]
    W = ws[0]
    for i, w in enumerate(ws[1:], start=1):
        if w.shape[1] != W.shape[0]:
            raise ValueError(f"weights[{i}] has {w.shape[1]} columns but the layer below has {W.shape[0]} units")
        W = w @ W
    return W


def deep_linear_gradients(weights: Sequence[np.ndarray], task: LinearTask) -> tuple[float, list[np.ndarray]]:
    """The loss J and its gradients ∂J/∂W[l] = (W[L] ⋯ W[l+1])ᵀ G (W[l-1] ⋯ W[1])ᵀ, G = W Σxx − Σyx.

    The plain version, one network, the formula as written (the study's fast path computes
    the same thing for many networks at once; the tests compare them).
    """
    v.instance(task, "task", LinearTask)
    W = deep_linear_product(weights)
    if W.shape != task.syx.shape:
        raise ValueError(f"the network maps {W.shape[1]} inputs to {W.shape[0]} outputs; the task has "
                         f"{task.n_in} and {task.n_out}")
    ws = [np.asarray(w, dtype=np.float64) for w in weights]
    G = W @ task.sxx - task.syx
    grads = []
    for l in range(len(ws)):
        above = deep_linear_product(ws[l + 1:]) if l + 1 < len(ws) else np.eye(task.n_out)
        below = deep_linear_product(ws[:l]) if l > 0 else np.eye(task.n_in)
        grads.append(above.T @ G @ below.T)
    return float(task.loss(W)), grads


def deep_linear_rate(c: float, depth: int, task: LinearTask) -> float:
    """The learning rate c/(L·λmax(Σxx)) of :func:`deep_linear_study`.

    Near an isometric start every one of the L layers moves the product the same way, so one
    step changes W by about L·α·G: gradient descent on J (curvature λmax along its steepest
    direction) is stable for α·L·λmax < 2, and c is the step measured in those units.
    """
    v.instance(task, "task", LinearTask)
    return v.positive(c, "c") / (v.positive_int(depth, "depth") * task.lambda_max)


@dataclass(frozen=True)
class DeepLinearStudy:
    """Steps of gradient descent to a loss threshold, for every initialization, depth,
    learning rate and seed of :func:`deep_linear_study`.

    ``steps[i, d, r, s]`` is the number of steps that initialization ``inits[i]`` at depth
    ``depths[d]`` with rate ``rates[r]`` and seed ``seeds[s]`` took to bring the loss to
    ``threshold_loss`` (inf if it did not within ``max_steps``); ``diverged`` marks the runs
    whose loss exploded (their steps are inf too). The learning rate of a run is
    rate / (L·λmax(Σxx)). ``singular_values[i, d, s]`` are the singular values of the
    end-to-end matrix W[L] ⋯ W[1] at initialization (largest first).
    """

    task_name: str
    inits: tuple[str, ...]
    depths: tuple[int, ...]
    rates: tuple[float, ...]
    seeds: tuple[int, ...]
    width: int
    max_steps: int
    fraction: float
    threshold_loss: float
    steps: np.ndarray
    diverged: np.ndarray
    initial_loss: np.ndarray
    singular_values: np.ndarray

    def _i(self, init: str) -> int:
        return self.inits.index(v.choice(init, "init", self.inits))

    def _d(self, depth: int) -> int:
        if depth not in self.depths:
            raise ValueError(f"depth must be one of {', '.join(map(str, self.depths))}; got {depth!r}")
        return self.depths.index(depth)

    def best_rate(self, init: str, depth: int) -> float | None:
        """The rate of the grid with the fewest median steps over the seeds (a seed that
        never reaches the threshold counts as infinitely many; ties go to the smaller rate),
        or None if at no rate do half of the seeds reach the threshold."""
        med = np.median(self.steps[self._i(init), self._d(depth)], axis=1)
        return self.rates[int(np.argmin(med))] if np.isfinite(med).any() else None

    def best_steps(self, init: str, depth: int) -> np.ndarray:
        """Every seed's steps at :meth:`best_rate` (inf where a seed did not reach the
        threshold; all inf where no rate has a finite median)."""
        i, d = self._i(init), self._d(depth)
        rate = self.best_rate(init, depth)
        if rate is None:
            return np.full(len(self.seeds), np.inf)
        return self.steps[i, d, self.rates.index(rate)].copy()

    def median_steps(self, init: str) -> np.ndarray:
        """The median over the seeds of :meth:`best_steps`, one per depth."""
        return np.array([np.median(self.best_steps(init, d)) for d in self.depths])

    def reached(self, init: str, depth: int) -> int:
        """How many seeds reach the threshold at :meth:`best_rate`."""
        return int(np.isfinite(self.best_steps(init, depth)).sum())

    def condition(self, init: str) -> np.ndarray:
        """σmax/σmin of the end-to-end matrix at initialization, (depths × seeds)."""
        sv = self.singular_values[self._i(init)]
        return sv[..., 0] / sv[..., -1]

    def table(self) -> TextTable:
        """Per depth and initialization: the best rate, the median steps and their range over the seeds."""
        header = ["depth L"]
        for init in self.inits:
            header += [f"{init}: rate", f"{init}: median steps", f"{init}: fewest–most"]
        rows = []
        for d in self.depths:
            row = [str(d)]
            for init in self.inits:
                s = self.best_steps(init, d)
                rate = self.best_rate(init, d)
                row += ["—" if rate is None else f"{rate:g}", _count(float(np.median(s)), self.max_steps),
                        f"{_count(float(s.min()), self.max_steps)}–{_count(float(s.max()), self.max_steps)}"]
            rows.append(row)
        return TextTable(header, rows, align="right")

    def __repr__(self) -> str:
        return (f"DeepLinearStudy({self.task_name!r}, width {self.width}, depths {list(self.depths)}, "
                f"inits {list(self.inits)}, {len(self.seeds)} seeds)")


def _count(x: float, cap: int) -> str:
    return f"> {cap}" if not math.isfinite(x) else f"{x:.0f}"


@functools.lru_cache(maxsize=8)
def _study(task: LinearTask, inits: tuple[str, ...], depths: tuple[int, ...], rates: tuple[float, ...],
           seeds: tuple[int, ...], width: int, max_steps: int, fraction: float) -> DeepLinearStudy:
    thr = task.threshold(fraction)
    shape = (len(inits), len(depths), len(rates), len(seeds))
    steps = np.full(shape, np.inf)
    diverged = np.zeros(shape, dtype=bool)
    initial = np.zeros(shape[:2] + shape[3:])
    svals = np.zeros(shape[:2] + shape[3:] + (min(task.n_in, task.n_out),))
    with _threads.one_thread():
        for i, init in enumerate(inits):
            for d, depth in enumerate(depths):
                nets = [deep_linear_weights(task, depth, init, width=width, rng=np.random.default_rng([seed, depth]))
                        for seed in seeds]
                for s, ws in enumerate(nets):
                    W0 = deep_linear_product(ws)
                    initial[i, d, s] = task.loss(W0)
                    svals[i, d, s] = np.linalg.svd(W0, compute_uv=False)
                lrs = np.array([deep_linear_rate(r, depth, task) for r in rates])
                st, dv = _descend(task, nets, lrs, thr, max_steps)
                steps[i, d], diverged[i, d] = st, dv
    return DeepLinearStudy(task.name, inits, depths, rates, seeds, width, max_steps, fraction, thr,
                           steps, diverged, initial, svals)


# ------------------------------------------------------------------------ fast path
# The gradient of deep_linear_gradients for a stack of networks (every rate × seed at one
# depth), in products of k × n matrices only: with S[l] = W[L] ⋯ W[l+1] (k × n[l], S[L] = I)
# and H[l] = G (W[l-1] ⋯ W[1])ᵀ (k × n[l-1], H[1] = G, H[l+1] = H[l] W[l]ᵀ), the gradient of
# layer l is S[l]ᵀ H[l]. Networks that reach the threshold or diverge leave the stack.
def _descend(task: LinearTask, nets: list[list[np.ndarray]], lrs: np.ndarray, threshold: float,
             max_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps to ``threshold`` (inf if not within ``max_steps``) and divergence, (rates × seeds)."""
    n_r, n_s = len(lrs), len(nets)
    L = len(nets[0])
    # the stack: rate-major, every seed's initial weights repeated for every rate
    Ws = [np.stack([nets[s][l] for _ in range(n_r) for s in range(n_s)]) for l in range(L)]
    lr = np.repeat(lrs, n_s)[:, None, None]
    alive = np.arange(n_r * n_s)  # which run each row of the stack is
    steps = np.full(n_r * n_s, np.inf)
    diverged = np.zeros(n_r * n_s, dtype=bool)
    k = task.n_out
    start = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(max_steps + 1):
            S = [None] * (L + 1)
            S[L] = np.broadcast_to(np.eye(k), (len(alive), k, k))
            for l in range(L - 1, -1, -1):
                S[l] = S[l + 1] @ Ws[l]
            J = task.loss(S[0])
            J = np.atleast_1d(J)
            if start is None:
                start = J.copy()
            done = J <= threshold
            bad = ~np.isfinite(J) | (J > DEEP_LINEAR_DIVERGED * np.maximum(start, task.c))
            steps[alive[done]] = t
            diverged[alive[bad & ~done]] = True
            keep = ~(done | bad)
            if not keep.any() or t == max_steps:
                break
            if not keep.all():
                alive, start, lr = alive[keep], start[keep], lr[keep]
                Ws = [w[keep] for w in Ws]
                S = [s[keep] for s in S]
            H = S[0] @ task.sxx - task.syx  # G
            grads = []
            for l in range(L):
                grads.append(np.swapaxes(S[l + 1], 1, 2) @ H)  # S[l]ᵀ H[l], with S indexed from 0
                if l + 1 < L:
                    H = H @ np.swapaxes(Ws[l], 1, 2)
            for l in range(L):
                Ws[l] = Ws[l] - lr * grads[l]
    return steps.reshape(n_r, n_s), diverged.reshape(n_r, n_s)
# ------------------------------------------------------------------- end of fast path


def deep_linear_study(
    task: LinearTask,
    *,
    depths: Sequence[int] = (2, 4, 8, 16, 32),
    inits: Sequence[str] = DEEP_LINEAR_INITS,
    rates: Sequence[float] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0),  # c: the learning rate is c/(L·λmax)
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    width: int = 32,  # n, the units of every hidden layer
    max_steps: int = 1000,
    fraction: float = 0.1,  # the threshold: J* + fraction·(J(0) − J*)
) -> DeepLinearStudy:
    """Train deep linear networks of every depth from every initialization, by full-batch
    gradient descent with learning rate c/(L·λmax(Σxx)) for every c of ``rates``, from
    every seed, and count the steps each needs to bring J to J* + fraction·(J(0) − J*).

    The learning rate is scaled by 1/L because L layers move the product together
    (:func:`deep_linear_rate`): near an isometric start, one step changes W by about L times
    what one layer's step does, so stability needs a rate about 1/L as large. Seed s at
    depth L draws its weights from ``default_rng([s, L])``, the same draw for every rate.
    A run whose loss grows to :data:`DEEP_LINEAR_DIVERGED` times where it started has diverged
    and stops. Cached.
    """
    v.instance(task, "task", LinearTask)
    depths = tuple(v.positive_int(d, f"depths[{i}]") for i, d in enumerate(v.items_of(list(depths), "depths", int)))
    inits = tuple(v.items_of(list(inits), "inits", str))
    for i, init in enumerate(inits):
        v.choice(init, f"inits[{i}]", ("standard", "xavier", "glorot_normal", "glorot_uniform", "he_normal",
                                        "he_uniform", "orthogonal"))
    if isinstance(rates, (str, bytes)) or not isinstance(rates, Sequence) or not rates:
        raise ValueError("rates must be a non-empty sequence of positive numbers")
    rates = tuple(v.positive(r, f"rates[{i}]") for i, r in enumerate(rates))
    seeds = tuple(v.nonneg_int(s, f"seeds[{i}]") for i, s in enumerate(v.items_of(list(seeds), "seeds", int)))
    width = v.positive_int(width, "width")
    max_steps = v.positive_int(max_steps, "max_steps")
    fraction = v.real(fraction, "fraction", low=0.0, low_open=True, high=1.0)
    for name, vals in (("depths", depths), ("inits", inits), ("rates", rates), ("seeds", seeds)):
        if len(set(vals)) != len(vals):
            raise ValueError(f"{name} must not repeat a value; got {list(vals)}")
    return _study(task, inits, depths, rates, seeds, width, max_steps, fraction)
