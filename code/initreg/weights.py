"""What the penalties do to a trained network's weights. See {ref}`chap-trained-weights`.

The same network is trained by minibatch SGD with and without a penalty on its weight
matrices (never on its biases),

.. math::  J_{L_1} = J + \\lambda \\sum_l \\sum_{i,j} |W^{[l]}_{ij}|, \\qquad
           J_{L_2} = J + \\lambda \\sum_l \\sum_{i,j} (W^{[l]}_{ij})^2,

with the source article's update rules ``w ← w − αλ·sign(w) − α·∂J/∂w`` and
``w ← (1 − 2αλ)·w − α·∂J/∂w`` (or the proximal L1 step, which lands on exact zeros), and
its weights are then measured: their histogram over every weight matrix, their norm
``‖W‖ = (Σ_l Σ_ij (W^{[l]}_ij)²)^{1/2}``, and the fraction of them that are near zero.

* :func:`train_penalized` trains one network on a :class:`~initreg.DataSplit`;
  :func:`digits_run` is the chapter's cached experiment on the digits and
  :func:`compare_penalties` runs the AI Notes' three λ levels
  {cite:p}`katanforoosh2019regularizing`.
* :func:`compare_seeds` repeats the experiments at λ with several seeds (initial weights
  and batch order), so that a small effect is not read off a single draw.
* :func:`strength_runs` trains each penalty at every λ of :data:`EXPLORER_LAMBDAS`, the
  grid of the chapter's live figure.
* :func:`weight_vector`, :func:`weight_norm`, :func:`near_zero_fraction`,
  :func:`fraction_within`, :func:`magnitude_shares`, :func:`weight_histogram`,
  :func:`magnitude_histogram` measure weights; :meth:`TrainedRun.last_step_changes`
  compares them with the weights one step earlier (sign flips, weights entering and
  leaving exact 0).
* :func:`holdout_split` and :func:`lambda_sweeps` choose λ on a validation set.

Nothing here draws: the chapter's figures are in :mod:`initreg.figures.trained_weights`.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import _threads
from . import _validate as v
from .datasets import DataSplit, load_digits
from .network import ACTIVATIONS, Network
from .penalties import PENALTIES, PENALTY_LABELS, UPDATES
from .training import train

__all__ = [
    "NEAR_ZERO",
    "AI_NOTES_LAMBDAS",
    "LAMBDA_LEVELS",
    "DIGITS_SETUP",
    "weight_vector",
    "weight_norm",
    "near_zero_fraction",
    "fraction_within",
    "exact_zero_fraction",
    "magnitude_shares",
    "weight_histogram",
    "LOG_MAGNITUDES",
    "magnitude_histogram",
    "StepChanges",
    "TrainedRun",
    "check_run",
    "train_penalized",
    "DIGITS_SEEDS",
    "digits_run",
    "compare_penalties",
    "pruned_network",
    "SeedRuns",
    "compare_seeds",
    "RunTable",
    "run_table",
    "Holdout",
    "holdout_split",
    "LambdaSweep",
    "lambda_sweep",
    "lambda_sweeps",
    "EXPLORER_LAMBDAS",
    "strength_run",
    "strength_runs",
]

#: A weight counts as *near zero* when ``|w| < NEAR_ZERO``.
NEAR_ZERO: float = 1e-3
#: The AI Notes' three strengths: too small, appropriate, too large.
AI_NOTES_LAMBDAS: tuple[float, float, float] = (1e-5, 0.01, 1.0)
#: The same three strengths by role.
LAMBDA_LEVELS: dict[str, float] = dict(zip(("too small", "appropriate", "too large"), AI_NOTES_LAMBDAS))
#: The chapter's digits experiment: the network, the optimizer and the seeds (read-only,
#: because :func:`digits_run` caches its runs).
DIGITS_SETUP: Mapping[str, object] = MappingProxyType({
    "sizes": (64, 100, 100, 10),
    "activation": "tanh",
    "init": "xavier",
    "epochs": 30,
    "lr": 0.1,
    "batch_size": 100,
    "seed": 0,
    "data_seed": 0,
})
#: The seeds of :func:`compare_seeds`: each draws other initial weights and another batch
#: order (the data split stays the same). The first is ``DIGITS_SETUP["seed"]``.
DIGITS_SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)
#: The strengths of the chapter's live figure (:func:`strength_runs`): λ = 0, the network
#: without a penalty, then 1-2-5 steps from 1e-5 to 1, which hold :data:`AI_NOTES_LAMBDAS`.
EXPLORER_LAMBDAS: tuple[float, ...] = (0.0, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3,
                                       0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
#: The range of ``log10|w|`` of :func:`magnitude_histogram`: from 1e-18 (where the collapsed
#: L2 network's weights end) to 10.
LOG_MAGNITUDES: tuple[float, float] = (-18.0, 1.0)

#: How the book names each penalty.


# ----------------------------------------------------------------- measuring weights
def weight_vector(weights: object) -> np.ndarray:
    """Every entry of every weight matrix ``W[1], ..., W[L]`` in one 1-D array (no biases).

    ``weights`` is a :class:`~initreg.Network`, a :class:`TrainedRun`, one array or a
    sequence of arrays.
    """
    if isinstance(weights, Network):
        mats = list(weights.weights)
    elif isinstance(weights, TrainedRun):
        return weights.flat
    elif isinstance(weights, np.ndarray):
        mats = [weights]
    elif isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence):
        raise TypeError("weights must be a Network, a TrainedRun, an array or a sequence of weight "
                        f"matrices; got {type(weights).__name__}")
    else:
        mats = list(weights)
    if not mats:
        raise ValueError("weights must hold at least one weight matrix")
    flat = [v.array(w, f"weights[{i}]").ravel() for i, w in enumerate(mats)]
    out = np.concatenate(flat)
    if out.size == 0:
        raise ValueError("weights must hold at least one weight")
    return out


def weight_norm(weights: object) -> float:
    """``‖W‖ = sqrt(Σ_l Σ_ij (W[l]_ij)²)``, the Euclidean norm of all weights together."""
    w = weight_vector(weights)
    return float(np.sqrt(np.dot(w, w)))


def near_zero_fraction(weights: object, tol: float = NEAR_ZERO) -> float:
    """The fraction of weights with ``|w| < tol`` (strictly), over every weight matrix."""
    tol = v.positive(tol, "tol")
    return float(np.mean(np.abs(weight_vector(weights)) < tol))


def fraction_within(weights: object, bound: float) -> float:
    """The fraction of weights with ``|w| <= bound``, e.g. inside the L1 band ``±αλ``."""
    bound = v.nonneg(bound, "bound")
    return float(np.mean(np.abs(weight_vector(weights)) <= bound))


def exact_zero_fraction(weights: object) -> float:
    """The fraction of weights that are exactly 0.0 (``fraction_within(weights, 0)``)."""
    return float(np.mean(weight_vector(weights) == 0.0))


def magnitude_shares(weights: object, bound: float, *, bins: int = 10) -> np.ndarray:
    """How the weights with ``|w| <= bound`` spread over ``[0, bound]``: the share of them
    in each of ``bins`` equal slices ``[k·bound/bins, (k+1)·bound/bins)`` of ``|w|`` (the
    last slice includes ``bound``; exact zeros fall in the first). The shares sum to 1; an
    even spread gives ``1/bins`` each. NaN shares if no weight lies within ``bound``.

    Used on the L1 band ``bound = αλ`` in {ref}`chap-trained-weights`.
    """
    bound = v.positive(bound, "bound")
    bins = v.positive_int(bins, "bins")
    a = np.abs(weight_vector(weights))
    inside = a[a <= bound]
    if inside.size == 0:
        return np.full(bins, np.nan)
    k = np.minimum((inside / bound * bins).astype(np.int64), bins - 1)
    return np.bincount(k, minlength=bins) / inside.size


def weight_histogram(weights: object, *, bins: int = 61, limit: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """``(counts, edges)`` of the weights on ``bins`` equal bins over ``[-limit, limit]``.

    Weights beyond ±limit are counted in the outermost bins, so the counts always sum to
    the number of weights. An odd ``bins`` puts 0 in the middle of the central bin.
    """
    bins = v.positive_int(bins, "bins")
    limit = v.positive(limit, "limit")
    w = np.clip(weight_vector(weights), -limit, limit)
    counts, edges = np.histogram(w, bins=bins, range=(-limit, limit))
    return counts, edges


def magnitude_histogram(weights: object, *, bins: int = 57,
                        log_range: tuple[float, float] = LOG_MAGNITUDES) -> tuple[np.ndarray, np.ndarray, int]:
    """``(counts, edges, zeros)``: the nonzero weights by ``log10|w|`` on ``bins`` equal bins
    over ``log_range`` (smaller magnitudes counted in the first bin, larger in the last),
    and the number of exact zeros, which have no logarithm. ``counts.sum() + zeros`` is the
    number of weights. See {ref}`chap-trained-weights`.
    """
    bins = v.positive_int(bins, "bins")
    if isinstance(log_range, (str, bytes)) or not isinstance(log_range, (Sequence, np.ndarray)) \
            or len(log_range) != 2:
        raise ValueError(f"log_range must be a pair (low, high) of log10 magnitudes; got {log_range!r}")
    lo, hi = (v.real(x, f"log_range[{i}]") for i, x in enumerate(log_range))
    if not lo < hi:
        raise ValueError(f"log_range must be (low, high) with low < high; got {tuple(log_range)}")
    a = np.abs(weight_vector(weights))
    nonzero = a[a > 0]
    counts, edges = np.histogram(np.clip(np.log10(nonzero), lo, hi), bins=bins, range=(lo, hi))
    return counts, edges, int(a.size - nonzero.size)


# ----------------------------------------------------------------------- training
@dataclass(frozen=True)
class StepChanges:
    """What the last step of training did to the weights with ``|w| <= bound`` after it
    (:meth:`TrainedRun.last_step_changes`); ``w`` is a weight after the last step and
    ``w_before`` the same weight one step earlier.

    * ``in_band``: the weights with ``|w| <= bound``;
    * ``counted``: those of them with ``w != 0`` and ``w_before != 0`` (the denominator of
      :attr:`flip_fraction`), and ``flipped``: those with ``w · w_before < 0``;
    * ``zeros``: the weights (anywhere) with ``w == 0``; of them ``stayed`` had
      ``w_before == 0`` and ``entered`` did not; ``left``: ``w_before == 0`` but ``w != 0``.
    """

    bound: float
    in_band: int
    counted: int
    flipped: int
    zeros: int
    stayed: int
    entered: int
    left: int

    @property
    def flip_fraction(self) -> float:
        """``flipped / counted``: the share of the nonzero weights in the band that the last
        step moved across 0 (NaN if there are none)."""
        return self.flipped / self.counted if self.counted else math.nan

    @property
    def stayed_fraction(self) -> float:
        """``stayed / zeros``: the share of the exact zeros that were already 0 one step
        earlier (NaN if there are none)."""
        return self.stayed / self.zeros if self.zeros else math.nan


@dataclass(frozen=True)
class TrainedRun:
    """One trained network and what was measured on it.

    ``weights`` are read-only copies of ``W[1..L]`` after the last step of training and
    ``previous_weights`` the same matrices one step (one minibatch) earlier, to see which
    weights the last step moved across 0 or onto 0; ``steps`` is the number of steps
    taken. ``net`` is the trained network itself (for predictions; runs returned by
    :func:`digits_run` are shared, so do not train it further).
    ``lr`` is the learning rate α, so the L1 band is ``±lr·lam``.
    """

    penalty: str
    lam: float
    update: str
    lr: float
    epochs: int
    batch_size: int
    seed: int
    steps: int
    net: Network
    weights: tuple[np.ndarray, ...]
    previous_weights: tuple[np.ndarray, ...]
    train_accuracy: float
    test_accuracy: float
    train_loss: float
    test_loss: float

    @property
    def label(self) -> str:
        """E.g. ``"L1, λ = 0.01"``, ``"L1 (proximal), λ = 0.01"`` or ``"no penalty"``."""
        if self.penalty == "none":
            return "no penalty"
        prox = " (proximal)" if self.update == "proximal" else ""
        return f"{PENALTY_LABELS[self.penalty]}{prox}, λ = {self.lam:g}"

    @property
    def band(self) -> float:
        """``α·λ``: one L1 step moves a weight by this much toward 0."""
        return self.lr * self.lam

    @functools.cached_property
    def flat(self) -> np.ndarray:
        """Every weight in one read-only 1-D array (:func:`weight_vector`)."""
        out = weight_vector(self.weights)
        out.setflags(write=False)
        return out

    @functools.cached_property
    def norm(self) -> float:
        return weight_norm(self.flat)

    @property
    def n_weights(self) -> int:
        return int(sum(w.size for w in self.weights))

    def near_zero(self, tol: float = NEAR_ZERO) -> float:
        """Fraction of weights with ``|w| < tol``."""
        return near_zero_fraction(self.flat, tol)

    def within(self, bound: float) -> float:
        """Fraction of weights with ``|w| <= bound``."""
        return fraction_within(self.flat, bound)

    @property
    def exact_zeros(self) -> float:
        """Fraction of weights that are exactly 0."""
        return exact_zero_fraction(self.flat)

    def last_step_changes(self, bound: float) -> StepChanges:
        """Compare every weight after the last step, ``w``, with the same weight one step
        earlier, ``w_before`` (:class:`StepChanges`): among the weights with
        ``0 < |w| <= bound`` and ``w_before != 0``, how many changed sign
        (``w · w_before < 0``); and how many weights are exactly 0, stayed at 0, entered 0 or
        left it. An exact zero is never counted as a sign flip: it is counted apart."""
        bound = v.nonneg(bound, "bound")
        now = self.flat
        before = weight_vector(self.previous_weights)
        band = np.abs(now) <= bound
        counted = band & (now != 0) & (before != 0)
        zero_now, zero_before = now == 0, before == 0
        return StepChanges(
            bound=bound,
            in_band=int(np.count_nonzero(band)),
            counted=int(np.count_nonzero(counted)),
            flipped=int(np.count_nonzero(counted & (now * before < 0))),
            zeros=int(np.count_nonzero(zero_now)),
            stayed=int(np.count_nonzero(zero_now & zero_before)),
            entered=int(np.count_nonzero(zero_now & ~zero_before)),
            left=int(np.count_nonzero(~zero_now & zero_before)),
        )

    def sign_flip_fraction(self, bound: float) -> float:
        """Among the weights with ``0 < |w| <= bound`` after the last step that were not 0
        one step earlier, the fraction that the last step moved across 0
        (``w · w_before < 0``); NaN if there are none. See :meth:`last_step_changes`."""
        return self.last_step_changes(bound).flip_fraction

    def __repr__(self) -> str:
        return (f"TrainedRun({self.label}: train accuracy {self.train_accuracy:.3f}, "
                f"test accuracy {self.test_accuracy:.3f}, ‖W‖ = {self.norm:.3g})")


def check_run(run: object, name: str = "run") -> TrainedRun:
    """``run`` itself if it is a :class:`TrainedRun`, else a TypeError naming ``name``."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, the parameter the run was passed as; got {name!r}")
    if not name.strip():
        raise ValueError(f"name must be a non-empty string, the parameter the run was passed as; got {name!r}")
    if not isinstance(run, TrainedRun):
        raise TypeError(f"{name} must be a TrainedRun (see train_penalized or digits_run); got {type(run).__name__}")
    return run



def _check_penalty(penalty: object, lam: object) -> tuple[str, float]:
    name = v.choice(penalty, "penalty", PENALTIES)
    lam = v.nonneg(lam, "lam")
    if name == "none" and lam != 0.0:
        raise ValueError(f"lam must be 0 when penalty is 'none'; got {lam!r} (choose penalty 'l1' or 'l2')")
    return name, lam


def _check_sizes(sizes: object, n_features: int, n_classes: int) -> tuple[int, ...]:
    if sizes is None:
        return (n_features, 100, 100, n_classes)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise ValueError(f"sizes must be a sequence (n[0], ..., n[L]) of at least two widths; got {sizes!r}")
    out = tuple(v.positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes))
    if out[0] != n_features or out[-1] != n_classes:
        raise ValueError(f"sizes must start with n[0] = {n_features} features and end with "
                         f"n[L] = {n_classes} classes; got {out}")
    return out


def train_penalized(
    data: DataSplit,
    penalty: str = "none",  # one of PENALTIES
    lam: float = 0.0,  # λ >= 0 (0 for "none")
    *,
    sizes: Sequence[int] | None = None,  # (n[0], ..., n[L]); default (n[0], 100, 100, classes)
    epochs: int = 30,
    lr: float = 0.1,  # the learning rate α
    batch_size: int = 100,
    seed: int = 0,  # draws the initial weights and the minibatch order
    update: str = "gradient",  # "gradient" (the article's rules) or "proximal"
    activation: str = "tanh",
    init: str = "xavier",
) -> TrainedRun:
    """Train a softmax network on ``data.X_train`` by minibatch SGD with the penalty ``P``.

    Every step on a batch updates ``W ← W − α(∂J/∂W + ∂P/∂W)`` and ``b ← b − α ∂J/∂b``
    (``update="gradient"``), or takes the data step and then the proximal map of ``αP``
    (``"proximal"``). The seed fixes both the initial weights
    (``default_rng(seed)``) and the order of the minibatches (``default_rng(seed + 1)``),
    so runs that differ only in the penalty start from the same weights and see the same
    batches. The last epoch is taken one minibatch at a time, with the same batches as one
    uninterrupted run, so that the weights before its last step are kept
    (``previous_weights``). BLAS runs on one thread: for matrices this small, threads only
    add overhead.
    """
    data = v.instance(data, "data", DataSplit, example="e.g. initreg.load_digits()")
    penalty, lam = _check_penalty(penalty, lam)
    sizes = _check_sizes(sizes, data.n_features, data.n_classes)
    epochs = v.positive_int(epochs, "epochs")
    lr = v.positive(lr, "lr")
    batch_size = v.positive_int(batch_size, "batch_size")
    seed = v.nonneg_int(seed, "seed")
    update = v.choice(update, "update", UPDATES)
    activation = v.choice(activation, "activation", ACTIVATIONS)
    net = Network(sizes, activation, init=init, rng=np.random.default_rng(seed))
    order_rng = np.random.default_rng(seed + 1)
    step_kw = dict(lr=lr, penalty=penalty, lam=lam, update=update)
    X, y = data.X_train, data.y_train
    m = len(y)
    batch = min(batch_size, m)
    steps = 0
    with _threads.one_thread():
        if epochs > 1:
            h = train(net, X, y, epochs=epochs - 1, batch_size=batch_size, rng=order_rng,
                      record_every=epochs, **step_kw)
            if h.diverged:
                raise RuntimeError(f"training {h.status}; lower lr")
            steps += h.steps_taken
        # The last epoch, one minibatch at a time, as `train` takes it: a fresh permutation
        # of the rows from the same generator (the rows in order for full batch), then
        # consecutive slices. The batches are exactly those of a single call with `epochs`.
        order = order_rng.permutation(m) if batch < m else np.arange(m)
        starts = range(0, m, batch)
        previous = None
        for start in starts:
            if start == starts[-1]:
                previous = tuple(w.copy() for w in net.weights)  # one step before the end
            rows = order[start:start + batch]
            h = train(net, X[rows], y[rows], epochs=1, **step_kw)  # one full-batch step on the batch
            if h.diverged:
                raise RuntimeError(f"training {h.status}; lower lr")
            steps += h.steps_taken
        train_loss, train_acc = net.evaluate(data.X_train, data.y_train)
        test_loss, test_acc = net.evaluate(data.X_test, data.y_test)
    frozen = tuple(w.copy() for w in net.weights)
    for w in frozen + previous:
        w.setflags(write=False)  # the run is a record: its weights must not change
    return TrainedRun(penalty, lam, update, lr, epochs, batch_size, seed, steps, net, frozen, previous,
                      float(train_acc), float(test_acc), float(train_loss), float(test_loss))


@functools.lru_cache(maxsize=1)
def _digits() -> DataSplit:
    return load_digits(seed=int(DIGITS_SETUP["data_seed"]))


@functools.lru_cache(maxsize=128)
def _digits_run(penalty: str, lam: float, update: str, seed: int) -> TrainedRun:
    s = DIGITS_SETUP
    return train_penalized(_digits(), penalty, lam, sizes=s["sizes"], epochs=s["epochs"], lr=s["lr"],
                           batch_size=s["batch_size"], seed=seed, update=update,
                           activation=s["activation"], init=s["init"])


def digits_run(
    penalty: str = "none",  # one of PENALTIES
    lam: float = 0.0,  # λ >= 0 (0 for "none")
    *,
    update: str = "gradient",  # "gradient" (the article's rules) or "proximal"
    seed: int | None = None,  # initial weights and batch order; None: DIGITS_SETUP["seed"]
) -> TrainedRun:
    """The chapter's experiment: :data:`DIGITS_SETUP` on ``load_digits(seed=0)``, cached.

    A ``[64, 100, 100, 10]`` tanh network, Xavier initialization, SGD with α = 0.1 and
    batches of 100 for 30 epochs, as the AI Notes trained on MNIST. ``seed`` changes the
    initial weights and the batch order, never the data. Every call with the same
    arguments returns the same (read-only) run. See {ref}`chap-trained-weights`.
    """
    penalty, lam = _check_penalty(penalty, lam)
    update = v.choice(update, "update", UPDATES)
    seed = int(DIGITS_SETUP["seed"]) if seed is None else v.nonneg_int(seed, "seed")
    return _digits_run(penalty, float(lam), update, seed)


def compare_penalties(
    lams: Sequence[float] = AI_NOTES_LAMBDAS,
    *,
    penalties: Sequence[str] = ("l1", "l2"),
    update: str = "gradient",
) -> dict[tuple[str, float], TrainedRun]:
    """``{(penalty, λ): run}`` of :func:`digits_run`: no penalty first, then every penalty at every λ."""
    if isinstance(lams, (str, bytes)) or not isinstance(lams, Sequence) or not lams:
        raise ValueError("lams must be a non-empty sequence of strengths λ > 0")
    lam_list = [v.positive(x, f"lams[{i}]") for i, x in enumerate(lams)]
    if isinstance(penalties, (str, bytes)) or not isinstance(penalties, Sequence) or not penalties:
        raise ValueError("penalties must be a non-empty sequence of names from l1, l2")
    pens = [v.choice(p, f"penalties[{i}]", ("l1", "l2")) for i, p in enumerate(penalties)]
    out = {("none", 0.0): digits_run()}
    for p in pens:
        for lam in lam_list:
            out[(p, lam)] = digits_run(p, lam, update=update)
    return out


def strength_run(penalty: str, lam: float) -> TrainedRun:
    """The digits experiment (:func:`digits_run`) with ``penalty`` (``"l1"`` or ``"l2"``) at
    ``lam``; at λ = 0 it is the run without a penalty, ``digits_run()``, for either penalty."""
    penalty = v.choice(penalty, "penalty", ("l1", "l2"))
    lam = v.nonneg(lam, "lam")
    return digits_run() if lam == 0 else digits_run(penalty, lam)


def strength_runs(penalty: str, lams: Sequence[float] = EXPLORER_LAMBDAS) -> tuple[TrainedRun, ...]:
    """:func:`strength_run` at every λ of ``lams``, in order (each run trained once and cached).
    The live figure of {ref}`chap-trained-weights` shows :data:`EXPLORER_LAMBDAS`."""
    if isinstance(lams, (str, bytes)) or not isinstance(lams, Sequence) or not lams:
        raise ValueError("lams must be a non-empty sequence of strengths λ >= 0")
    return tuple(strength_run(penalty, v.nonneg(x, f"lams[{i}]")) for i, x in enumerate(lams))


def pruned_network(run: TrainedRun, bound: float) -> Network:
    """A copy of the run's network with the connections ``|w| <= bound`` removed: every
    such weight of the run's final ``W[1..L]`` set to exactly 0, the other weights and
    every bias kept. See {ref}`chap-trained-weights`."""
    run = check_run(run, "run")
    bound = v.nonneg(bound, "bound")
    net = run.net.copy()
    for dst, src in zip(net.weights, run.weights):
        dst[...] = np.where(np.abs(src) <= bound, 0.0, src)
    return net


@dataclass(frozen=True)
class SeedRuns:
    """The digits experiment at one λ repeated with several seeds (:func:`compare_seeds`).

    ``runs[key][i]`` is the run with ``seeds[i]`` for ``key`` in :attr:`KEYS`: no
    penalty, L1 and L2 with the subgradient rules, and L1 with the proximal step. Displays
    as a table of test accuracies and largest weights, one column per seed.
    """

    lam: float
    seeds: tuple[int, ...]
    runs: Mapping[str, tuple[TrainedRun, ...]]

    KEYS = ("none", "l1", "l2", "l1_proximal")
    _NAMES = {**PENALTY_LABELS, "l1_proximal": "L1 (proximal)"}

    def series(self, key: str, quantity: str) -> np.ndarray:
        """One number per seed: ``quantity`` is ``"train_accuracy"``, ``"test_accuracy"``,
        ``"norm"``, ``"near_zero"``, ``"exact_zeros"`` or ``"max_abs"`` (the largest |w|)."""
        key = v.choice(key, "key", self.KEYS)
        quantity = v.choice(quantity, "quantity", ("train_accuracy", "test_accuracy", "norm", "near_zero",
                                                   "exact_zeros", "max_abs"))
        get = {"near_zero": lambda r: r.near_zero(), "max_abs": lambda r: float(np.abs(r.flat).max())}.get(
            quantity, lambda r: getattr(r, quantity))
        return np.array([get(r) for r in self.runs[key]], dtype=float)

    def _rows(self) -> list[tuple[str, ...]]:
        rows = []
        for quantity, label, fmt in (("test_accuracy", "test accuracy", "{:.3f}"), ("max_abs", "largest |w|", "{:.2f}")):
            for key in self.KEYS:
                name = self._NAMES[key] + ("" if key == "none" else f", λ = {self.lam:g}")
                rows.append((f"{label}, {name}",) + tuple(fmt.format(x) for x in self.series(key, quantity)))
        return rows

    def __repr__(self) -> str:
        cells = [("",) + tuple(f"seed {s}" for s in self.seeds)] + self._rows()
        widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
        return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells)

    def _repr_html_(self) -> str:
        head = "<th></th>" + "".join(f"<th>seed {s}</th>" for s in self.seeds)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self._rows())
        return f'<table class="initreg-runs"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def compare_seeds(lam: float, *, seeds: Sequence[int] = DIGITS_SEEDS) -> SeedRuns:
    """The digits experiment (:func:`digits_run`) at ``lam`` with every seed of ``seeds``:
    no penalty, L1, L2 and proximal L1. Each seed draws other initial weights and another
    batch order; within a seed the four runs still differ only by their penalty (and
    update). See {ref}`chap-trained-weights`."""
    lam = v.positive(lam, "lam")
    seed_list = v.seeds(seeds, distinct=True)
    runs = {
        "none": tuple(digits_run(seed=s) for s in seed_list),
        "l1": tuple(digits_run("l1", lam, seed=s) for s in seed_list),
        "l2": tuple(digits_run("l2", lam, seed=s) for s in seed_list),
        "l1_proximal": tuple(digits_run("l1", lam, update="proximal", seed=s) for s in seed_list),
    }
    return SeedRuns(lam, seed_list, MappingProxyType(runs))


class RunTable:
    """A table of runs: penalty, λ, accuracies, weight norm and the near-zero fraction.

    Displays as HTML in a notebook; ``rows`` holds the rounded values.
    """

    columns = ("penalty", "λ", "train accuracy", "test accuracy", "‖W‖", f"|w| < {NEAR_ZERO:g}")

    def __init__(self, runs: Sequence[TrainedRun]) -> None:
        self.runs = v.items_of(runs, "runs", TrainedRun)
        self.rows = [
            (PENALTY_LABELS[r.penalty] + (" (proximal)" if r.update == "proximal" else ""),
             "–" if r.penalty == "none" else f"{r.lam:g}",
             f"{r.train_accuracy:.3f}", f"{r.test_accuracy:.3f}", f"{r.norm:.3g}", f"{r.near_zero():.1%}")
            for r in self.runs
        ]

    def __repr__(self) -> str:
        cells = [self.columns] + self.rows
        widths = [max(len(row[j]) for row in cells) for j in range(len(self.columns))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.rows)
        return f'<table class="initreg-runs"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def run_table(runs: Sequence[TrainedRun] | Mapping[object, TrainedRun]) -> RunTable:
    """A :class:`RunTable` of ``runs`` (a sequence, or the dict of :func:`compare_penalties`)."""
    return RunTable(runs)


# ------------------------------------------------------------------- choosing λ
@dataclass(frozen=True)
class Holdout:
    """Training, validation and test rows: λ is chosen on validation, reported on test.

    ``train_rows`` and ``val_rows`` are the indices, into the training rows of the data
    set the split was carved from, of the rows kept for training and for validation.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    train_rows: np.ndarray
    val_rows: np.ndarray

    @property
    def shared_rows(self) -> int:
        """How many rows are used both for training and for validation (0 for a split of
        :func:`holdout_split`)."""
        return int(np.intersect1d(self.train_rows, self.val_rows).size)

    @property
    def train_split(self) -> DataSplit:
        """Train against validation, as a :class:`~initreg.DataSplit`."""
        return DataSplit(self.X_train, self.y_train, self.X_val, self.y_val, "train/validation")

    def __repr__(self) -> str:
        return (f"Holdout({len(self.y_train)} train / {len(self.y_val)} validation / "
                f"{len(self.y_test)} test rows)")


def holdout_split(data: DataSplit, n_train: int, n_val: int, *, rng: np.random.Generator) -> Holdout:
    """Carve ``n_train`` training and ``n_val`` validation rows, disjoint, out of
    ``data``'s training rows; the test rows are kept as they are and never used to choose."""
    data = v.instance(data, "data", DataSplit, example="e.g. initreg.load_digits()")
    n_train = v.positive_int(n_train, "n_train")
    n_val = v.positive_int(n_val, "n_val")
    m = len(data.y_train)
    if n_train + n_val > m:
        raise ValueError(f"n_train + n_val must be at most the {m} training rows; got {n_train} + {n_val}")
    perm = v.generator(rng).permutation(m)
    tr, va = np.sort(perm[:n_train]), np.sort(perm[n_train:n_train + n_val])
    for rows in (tr, va):
        rows.setflags(write=False)
    return Holdout(data.X_train[tr], data.y_train[tr], data.X_train[va], data.y_train[va],
                   data.X_test, data.y_test, tr, va)


@dataclass(frozen=True)
class LambdaSweep:
    """Accuracies, losses and weight measurements of one network trained at each λ.

    Two choices of λ, both made on the validation set alone:

    * ``best_index``: the highest validation accuracy (ties broken by the lower
      validation loss);
    * ``one_se_index``: the *one-standard-error rule*, the largest λ whose validation
      accuracy is within one standard error ``sqrt(p(1 − p)/n_val)`` of the best ``p``:
      the strongest penalty that the validation set cannot tell apart from the best.
    """

    penalty: str
    lams: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray
    test_accuracy: np.ndarray
    val_loss: np.ndarray
    norm: np.ndarray
    near_zero: np.ndarray
    n_val: int

    @property
    def best_index(self) -> int:
        order = np.lexsort((self.val_loss, -self.val_accuracy))
        return int(order[0])

    @property
    def best_lam(self) -> float:
        return float(self.lams[self.best_index])

    @property
    def standard_error(self) -> float:
        """``sqrt(p(1 − p)/n_val)`` at the best validation accuracy ``p``."""
        p = float(self.val_accuracy[self.best_index])
        return math.sqrt(p * (1.0 - p) / self.n_val)

    @property
    def one_se_index(self) -> int:
        ok = np.flatnonzero(self.val_accuracy >= self.val_accuracy[self.best_index] - self.standard_error)
        return int(ok[np.argmax(self.lams[ok])])

    @property
    def one_se_lam(self) -> float:
        return float(self.lams[self.one_se_index])

    def __repr__(self) -> str:
        b, o = self.best_index, self.one_se_index
        return (f"LambdaSweep({PENALTY_LABELS[self.penalty]}, {len(self.lams)} values of λ; "
                f"best validation accuracy {self.val_accuracy[b]:.3f} at λ = {self.lams[b]:g} "
                f"(test {self.test_accuracy[b]:.3f}); one-standard-error rule λ = {self.lams[o]:g} "
                f"(test {self.test_accuracy[o]:.3f})")


def _sweep_row(split: Holdout, penalty: str, lam: float, kw: dict) -> tuple[float, ...]:
    run = train_penalized(split.train_split, "none" if lam == 0 else penalty, lam, **kw)
    with _threads.one_thread():
        _, test_acc = run.net.evaluate(split.X_test, split.y_test)
    # train_split's "test" rows are the validation rows
    return (run.train_accuracy, run.test_accuracy, test_acc, run.test_loss, run.norm, run.near_zero())


def lambda_sweeps(
    split: Holdout,
    lams: Sequence[float],  # increasing strengths λ >= 0 (0 is trained without penalty)
    *,
    penalties: Sequence[str] = ("l1", "l2"),
    sizes: Sequence[int] | None = None,
    epochs: int = 200,
    lr: float = 0.1,
    batch_size: int = 100,
    seed: int = 0,
    update: str = "gradient",
) -> dict[str, LambdaSweep]:
    """``{penalty: LambdaSweep}``: the same network (same seed, so the same initial weights
    and batches) trained at every λ on ``split``'s training rows, measured on its
    training, validation and test rows. λ = 0 is trained once and shared."""
    v.instance(split, "split", Holdout, example="see holdout_split")
    if isinstance(penalties, (str, bytes)) or not isinstance(penalties, Sequence) or not penalties:
        raise ValueError("penalties must be a non-empty sequence of names from l1, l2")
    pens = [v.choice(p, f"penalties[{i}]", ("l1", "l2")) for i, p in enumerate(penalties)]
    if len(set(pens)) != len(pens):
        raise ValueError(f"penalties must be distinct; got {pens}")
    if isinstance(lams, (str, bytes)) or not isinstance(lams, (Sequence, np.ndarray)) or len(lams) == 0:
        raise ValueError("lams must be a non-empty sequence of strengths λ >= 0")
    lam_arr = np.array([v.nonneg(x, f"lams[{i}]") for i, x in enumerate(lams)])
    if np.any(np.diff(lam_arr) <= 0):
        raise ValueError("lams must be strictly increasing")
    kw = dict(sizes=sizes, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, update=update)
    zero_row = _sweep_row(split, "none", 0.0, kw) if lam_arr[0] == 0 else None
    out = {}
    for p in pens:
        rows = [zero_row if lam == 0 else _sweep_row(split, p, float(lam), kw) for lam in lam_arr]
        a = np.array(rows, dtype=float)
        out[p] = LambdaSweep(p, lam_arr.copy(), a[:, 0], a[:, 1], a[:, 2], a[:, 3], a[:, 4], a[:, 5],
                             len(split.y_val))
    return out


def lambda_sweep(split: Holdout, penalty: str, lams: Sequence[float], **kw: object) -> LambdaSweep:
    """One penalty's :class:`LambdaSweep` (see :func:`lambda_sweeps` for the keywords)."""
    penalty = v.choice(penalty, "penalty", ("l1", "l2"))
    return lambda_sweeps(split, lams, penalties=(penalty,), **kw)[penalty]
