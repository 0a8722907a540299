"""Deep networks reproduced from the papers, on the digits data ({ref}`chap-deep`).

* :func:`glorot_bengio_study`: Glorot and Bengio's figures 6 and 7, five tanh layers of
  1,000 units under their "standard" init U[±1/√n] against "normalized" (glorot_uniform),
  with per-layer histograms of activations and back-propagated gradients at initialization.
* :func:`ai_notes_study`: the AI Notes' training visualization, a tanh network trained
  from zero, uniform U[±1/√n], Xavier N(0, 1/n) and standard normal N(0, 1) weights,
  with per-layer activation histograms as training proceeds; :func:`ai_notes_repeats`
  repeats it from several seeds, so that a difference can be told from one draw's luck.
* :func:`he_study`: He et al.'s figure 3, a 30-layer ReLU network from Xavier (1/n)
  and He (2/n) weights: the signal at the top and whether the networks train.
* :func:`deep_playground_stats`: the initialization playground's network, every layer at
  initialization for an activation and k = n·Var(w); :func:`playground_sweep` measures it
  over a range of k.

Nothing here draws: the chapter's figures are in :mod:`initreg.figures.deep_networks`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from . import _threads
from . import _validate as v
from .datasets import DataSplit, load_digits
from .diagnostics import LayerStats, TrainingStats, layer_stats, track_layer_stats
from .initializers import INIT_SCHEMES, Initializer, initializer
from .network import ACTIVATIONS, Network
from .tables import TextTable
from .training import History, train

__all__ = [
    "InitStudy",
    "glorot_bengio_study",
    "AI_NOTES_INITS",
    "ai_notes_study",
    "AINotesRepeats",
    "ai_notes_repeats",
    "HeStudy",
    "he_study",
    "PLAYGROUND_KS",
    "PLAYGROUND_DEPTH",
    "deep_playground_stats",
    "PlaygroundSweep",
    "playground_sweep",
]

F = TypeVar("F", bound=Callable[..., object])


def _one_thread(fn: F) -> F:
    """Run ``fn`` with one BLAS thread: the products here have a few hundred rows, and
    splitting them over threads costs more than it saves (see :mod:`initreg._threads`)."""
    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> object:
        with _threads.one_thread():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _check_schemes(schemes: object) -> tuple[str, ...]:
    """A non-empty sequence of distinct scheme names from :data:`initreg.INIT_SCHEMES`."""
    if isinstance(schemes, (str, bytes)) or not isinstance(schemes, Sequence) or not schemes:
        raise ValueError(f"schemes must be a non-empty sequence of scheme names from {', '.join(INIT_SCHEMES)}; "
                         f"got {schemes!r}")
    names = tuple(v.choice(s, f"schemes[{i}]", INIT_SCHEMES) for i, s in enumerate(schemes))
    if len(set(names)) != len(names):
        raise ValueError(f"schemes must be distinct; got {list(names)}")
    return names


def _number_table(header: Sequence[str], rows: Sequence[Sequence[object]], fmt: Sequence[str]) -> TextTable:
    """Rows of numbers, each column formatted by ``fmt``, right-aligned."""
    return TextTable(header, [tuple(f.format(x) for f, x in zip(fmt, r)) for r in rows], align="right")



# ------------------------------------------------------------ Glorot & Bengio, figs 6-7
@dataclass
class InitStudy:
    """Layer statistics at initialization of the same architecture under several schemes."""

    sizes: tuple[int, ...]
    stats: dict[str, LayerStats]

    def ratio(self, scheme: str, kind: str = "activations") -> float:
        """max/min over the hidden layers of the standard deviation of a[l] (or ∂ℓ/∂z[l])."""
        v.choice(scheme, "scheme", tuple(self.stats))
        v.choice(kind, "kind", ("activations", "gradients"))
        st = self.stats[scheme]
        s = st.activation_std if kind == "activations" else st.gradient_std
        return float(s.max() / s.min())

    def table(self) -> TextTable:
        """Per-layer standard deviations of a[l] and ∂ℓ/∂z[l] under each scheme, side by side."""
        names = list(self.stats)
        first = self.stats[names[0]]
        header = ["layer l"]
        cols: list[np.ndarray] = [first.layers]
        fmt = ["{:d}"]
        for n in names:
            header += [f"std a[l], {n}", f"std ∂ℓ/∂z[l], {n}"]
            cols += [self.stats[n].activation_std, self.stats[n].gradient_std]
            fmt += ["{:.4f}", "{:.3e}"]
        return _number_table(header, list(zip(*[c.tolist() for c in cols])), fmt)

    def __repr__(self) -> str:
        return f"InitStudy(sizes={list(self.sizes)}, schemes={list(self.stats)})"


@_one_thread
def glorot_bengio_study(
    data: DataSplit,
    *,
    schemes: Sequence[str] = ("standard", "glorot_uniform"),
    width: int = 1000,  # units per hidden layer (the paper's 1,000)
    depth: int = 5,  # hidden layers (the paper's 5)
    activation: str = "tanh",
    n_examples: int = 300,  # training examples the statistics are measured on
    seed: int = 0,
) -> InitStudy:
    """Glorot and Bengio's figures 6 and 7: layer statistics at initialization.

    Builds [n[0], width × depth, n_classes] with each scheme from the same seed and
    measures :func:`initreg.layer_stats` on ``n_examples`` training examples. "standard"
    is their eq. 1, U[±1/√n[l-1]] (Var = 1/(3 n[l-1])); "glorot_uniform" their
    normalized eq. 16, U[±√6/√(n[l-1] + n[l])]. See {ref}`chap-deep`.
    """
    data = v.instance(data, "data", DataSplit, example="e.g. initreg.load_digits()")
    width = v.positive_int(width, "width")
    depth = v.positive_int(depth, "depth")
    v.choice(activation, "activation", ACTIVATIONS)
    n_examples = v.positive_int(n_examples, "n_examples")
    seed = v.nonneg_int(seed, "seed")
    schemes = _check_schemes(schemes)
    sub = data.subset(min(n_examples, len(data.y_train)), rng=np.random.default_rng(seed))
    sizes = (data.n_features, *([width] * depth), data.n_classes)
    stats = {}
    for s in schemes:
        net = Network(sizes, activation, init=s, rng=np.random.default_rng(seed + 1))
        stats[s] = layer_stats(net, sub.X_train, sub.y_train)
    return InitStudy(sizes, stats)


# ------------------------------------------------------------------ the AI Notes
#: The AI Notes' four initializations, by label: zero, uniform U[±1/√n] (Glorot's
#: "standard"), Xavier N(0, 1/n) and standard normal N(0, 1). Each plays a role colour.
AI_NOTES_INITS: dict[str, tuple[str, str]] = {
    "zero": ("zeros", "zero"),
    "uniform U(±1/√n)": ("standard", "too small"),
    "Xavier N(0, 1/n)": ("xavier", "appropriate"),
    "standard normal N(0, 1)": ("normal", "too large"),
}


def _ai_init(label: str) -> Initializer | str:
    scheme = AI_NOTES_INITS[label][0]
    return initializer("normal", scale=1.0) if scheme == "normal" else scheme


@_one_thread
def _ai_notes_train(hidden: tuple[int, ...], epochs: int, lr: float, batch_size: int,
                    snapshots: tuple[int, ...], n_stats: int, seed: int) -> dict[str, TrainingStats]:
    data = load_digits(seed=0)
    stats_rows = np.random.default_rng(seed).choice(len(data.y_train), min(n_stats, len(data.y_train)),
                                                    replace=False)
    out = {}
    for label in AI_NOTES_INITS:
        net = Network((data.n_features, *hidden, data.n_classes), "tanh", init=_ai_init(label),
                      rng=np.random.default_rng(seed + 1))
        out[label] = track_layer_stats(
            net, data.X_train, data.y_train, epochs=epochs, lr=lr, batch_size=batch_size,
            rng=np.random.default_rng(seed + 2), snapshots=snapshots,
            X_stats=data.X_train[stats_rows], y_stats=data.y_train[stats_rows],
            X_test=data.X_test, y_test=data.y_test)
    return out


def _first_epochs(run: TrainingStats, epochs: int, snapshots: tuple[int, ...]) -> TrainingStats:
    """A run of ``epochs`` epochs with the snapshots ``snapshots``, cut from a longer ``run``
    of the same settings that did not diverge: the metrics are recorded every epoch and the
    snapshots do not change the training, so the longer run's first epochs are the shorter
    run, record for record (``tests/test_deep.py`` compares it with a run trained anew)."""
    h, n = run.history, epochs + 1
    first = History(epoch=h.epoch[:n], step=h.step[:n], loss=h.loss[:n], objective=h.objective[:n],
                    accuracy=h.accuracy[:n], test_loss=h.test_loss[:n], test_accuracy=h.test_accuracy[:n],
                    steps_taken=h.step[epochs])
    return TrainingStats(first, list(snapshots), [run.at(e) for e in snapshots])


#: The AI Notes runs trained so far, by their settings (hidden, epochs, lr, batch_size,
#: snapshots, n_stats, seed): the chapter's five seeds, its figure's longer run, a few more.
_AI_RUNS: dict[tuple, dict[str, TrainingStats]] = {}
_AI_RUNS_KEPT = 8


def _ai_notes_runs(hidden: tuple[int, ...], epochs: int, lr: float, batch_size: int,
                   snapshots: tuple[int, ...], n_stats: int, seed: int) -> dict[str, TrainingStats]:
    """The cached runs of these settings; a shorter run is cut from a longer one already
    trained (:func:`_first_epochs`), else the four networks are trained."""
    key = (hidden, epochs, lr, batch_size, snapshots, n_stats, seed)
    if key in _AI_RUNS:
        return _AI_RUNS[key]
    out = None
    for (h2, e2, lr2, b2, s2, n2, seed2), runs in _AI_RUNS.items():
        if ((h2, lr2, b2, n2, seed2) == (hidden, lr, batch_size, n_stats, seed) and e2 >= epochs
                and set(snapshots) <= set(s2) and not any(r.history.diverged for r in runs.values())):
            out = {label: _first_epochs(r, epochs, snapshots) for label, r in runs.items()}
            break
    if out is None:
        out = _ai_notes_train(hidden, epochs, lr, batch_size, snapshots, n_stats, seed)
    if len(_AI_RUNS) >= _AI_RUNS_KEPT:
        del _AI_RUNS[next(iter(_AI_RUNS))]
    _AI_RUNS[key] = out
    return out


def ai_notes_study(
    *,
    hidden: Sequence[int] = (100, 100, 100),  # tanh hidden layers
    epochs: int = 10,
    lr: float = 0.05,
    batch_size: int = 32,
    snapshots: Sequence[int] = (0, 1, 3, 10),
    n_stats: int = 200,  # training examples the histograms are measured on
    seed: int = 0,
) -> dict[str, TrainingStats]:
    """The AI Notes' visualization on the digits: train from each of :data:`AI_NOTES_INITS`.

    A [64, *hidden, 10] tanh network is trained by minibatch gradient descent on
    ``initreg.load_digits(seed=0)``; layer statistics are kept at ``snapshots``. Results
    are cached, and a shorter run is cut from a longer one of the same settings, so the
    chapter and its interactive figure train once. See {ref}`chap-deep`.
    """
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence) or not hidden:
        raise ValueError("hidden must be a non-empty sequence of layer widths")
    hid = tuple(v.positive_int(h, "hidden") for h in hidden)
    epochs = v.positive_int(epochs, "epochs")
    lr = v.positive(lr, "lr")
    batch_size = v.positive_int(batch_size, "batch_size")
    if isinstance(snapshots, (str, bytes)) or not isinstance(snapshots, Sequence) or not snapshots:
        raise ValueError("snapshots must be a non-empty sequence of epochs")
    snaps = tuple(sorted({v.nonneg_int(s, "snapshots") for s in snapshots}))
    if snaps[-1] > epochs:
        raise ValueError(f"snapshots must lie in 0..epochs = 0..{epochs}; got {snaps[-1]}")
    n_stats = v.positive_int(n_stats, "n_stats")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    return _ai_notes_runs(hid, epochs, lr, batch_size, snaps, n_stats, seed)


@dataclass
class AINotesRepeats:
    """The AI Notes study repeated from several seeds: ``runs[seed][label]`` is the
    :class:`~initreg.TrainingStats` of initialization ``label`` trained from ``seed``."""

    runs: dict[int, dict[str, TrainingStats]]

    @property
    def seeds(self) -> list[int]:
        return list(self.runs)

    @property
    def epochs(self) -> list[int]:
        """The snapshot epochs (the same for every run)."""
        return next(iter(next(iter(self.runs.values())).values())).epochs

    def _label(self, label: str) -> str:
        return v.choice(label, "label", tuple(AI_NOTES_INITS))

    def test_accuracy(self, label: str, epoch: int) -> np.ndarray:
        """The test accuracy of ``label`` after ``epoch`` epochs, one entry per seed."""
        label = self._label(label)
        return np.array([runs[label].accuracy_at(epoch, test=True) for runs in self.runs.values()])

    def saturation(self, label: str, epoch: int) -> np.ndarray:
        """:func:`~initreg.saturated_fraction` of every hidden layer of ``label`` at snapshot
        ``epoch``: one row per seed, one column per layer."""
        label = self._label(label)
        return np.array([runs[label].at(epoch).saturation for runs in self.runs.values()])

    def activation_std(self, label: str, epoch: int) -> np.ndarray:
        """The standard deviation of a[l] of ``label`` at snapshot ``epoch``: one row per seed."""
        label = self._label(label)
        return np.array([runs[label].at(epoch).activation_std for runs in self.runs.values()])

    def curves(self, label: str) -> np.ndarray:
        """The test accuracy of ``label`` at every epoch 0..epochs: one row per seed."""
        label = self._label(label)
        return np.array([runs[label].history.test_accuracy for runs in self.runs.values()])

    def table(self) -> TextTable:
        """Test accuracy at each snapshot epoch after 0, per initialization: the mean over the
        seeds and, in brackets, the lowest and highest seed."""
        epochs = [e for e in self.epochs if e > 0]
        rows = []
        for label in AI_NOTES_INITS:
            cells = [label]
            for e in epochs:
                acc = self.test_accuracy(label, e)
                cells.append(f"{acc.mean():.1%} ({acc.min():.1%}–{acc.max():.1%})")
            rows.append(cells)
        header = ["initialization"] + [f"epoch {e}: mean (min–max)" for e in epochs]
        return TextTable(header, rows, align="right")

    def __repr__(self) -> str:
        return f"AINotesRepeats(seeds {self.seeds}; snapshots at epochs {self.epochs})"


def ai_notes_repeats(
    seeds: Sequence[int] = (0, 10, 20, 30, 40),
    *,
    hidden: Sequence[int] = (100, 100, 100),
    epochs: int = 10,
    lr: float = 0.05,
    batch_size: int = 32,
    snapshots: Sequence[int] = (0, 1, 3, 10),
    n_stats: int = 200,
) -> AINotesRepeats:
    """:func:`ai_notes_study` once per seed, the same settings otherwise.

    Seed ``s`` draws the examples the statistics are measured on (generator seed ``s``), the
    initial weights (``s + 1``) and the minibatch order (``s + 2``); seeds at least 3 apart,
    as the default ones, share no generator, so their runs share nothing but the data and
    the settings. Cached per seed. See {ref}`chap-deep`.
    """
    picked = v.seeds(seeds, distinct=True)
    return AINotesRepeats({s: ai_notes_study(hidden=hidden, epochs=epochs, lr=lr, batch_size=batch_size,
                                             snapshots=snapshots, n_stats=n_stats, seed=s) for s in picked})


# --------------------------------------------------------------------- He et al., fig 3
@dataclass
class HeStudy:
    """A deep ReLU network from several schemes: the signal at initialization, and training.

    ``log2_ratios[scheme]`` has one row per random network and one column per hidden layer:
    log₂(E[a[l]²] / E[x²]) on the same examples. ``histories[scheme]`` lists the trainings of
    the first networks, one per training seed.
    """

    sizes: tuple[int, ...]
    log2_ratios: dict[str, np.ndarray]
    histories: dict[str, list[History]]

    @property
    def depth(self) -> int:
        return len(self.sizes) - 2

    def log2_ratio(self, scheme: str) -> np.ndarray:
        """log₂(E[a[l]²] / E[x²]) for l = 1..depth, averaged over the random networks."""
        v.choice(scheme, "scheme", tuple(self.log2_ratios))
        return self.log2_ratios[scheme].mean(axis=0)

    def layer_factor(self, scheme: str, *, z: float = 4.0) -> tuple[float, float]:
        """``(mean, tolerance)`` of the per-layer log₂ factor log₂(E[a[l]²]/E[a[l-1]²]).

        The mean is over every layer (the first measured from the input) and network;
        the tolerance is ``z`` standard errors, sd/√(layers × networks), the standard
        deviation taken from the factors themselves. He et al. predict −1 for Xavier's
        1/n and 0 for their 2/n.
        """
        v.choice(scheme, "scheme", tuple(self.log2_ratios))
        z = v.positive(z, "z")
        r = self.log2_ratios[scheme]
        f = np.diff(np.concatenate([np.zeros((r.shape[0], 1)), r], axis=1), axis=1)
        return float(f.mean()), float(z * f.std(ddof=1) / math.sqrt(f.size))

    def _runs(self, scheme: str, what: str) -> np.ndarray:
        v.choice(scheme, "scheme", tuple(self.histories))
        return np.array([getattr(h, what) for h in self.histories[scheme]])

    def test_accuracy(self, scheme: str) -> np.ndarray:
        """The test accuracy of every trained network of ``scheme`` at epochs 0..epochs (one row per run)."""
        return self._runs(scheme, "test_accuracy")

    def loss(self, scheme: str) -> np.ndarray:
        """The training loss J of every trained network of ``scheme`` at epochs 0..epochs (one row per run)."""
        return self._runs(scheme, "loss")

    def largest_drop(self, scheme: str) -> np.ndarray:
        """Per run, the largest fall of the test accuracy from one epoch to the next (0 if it never falls)."""
        acc = self.test_accuracy(scheme)
        return np.maximum(0.0, -np.diff(acc, axis=1).min(axis=1))

    def __repr__(self) -> str:
        n = next(iter(self.log2_ratios.values())).shape[0]
        lines = [f"HeStudy: [{self.sizes[0]}, {self.sizes[1]} × {self.depth}, {self.sizes[-1]}] ReLU networks, "
                 f"{n} measured at initialization"]
        for k, hs in self.histories.items():
            best = [max(h.test_accuracy) for h in hs]
            lines.append(f"  {k}: {len(hs)} trained ({', '.join(sorted({h.status for h in hs}))}), "
                         f"best test accuracy per run {', '.join(f'{b:.3f}' for b in best)}")
        return "\n".join(lines)


@_one_thread
def he_study(
    data: DataSplit,
    *,
    schemes: Sequence[str] = ("xavier", "he_normal"),
    depth: int = 30,  # hidden ReLU layers
    width: int = 64,
    n_nets: int = 8,  # random networks measured at initialization
    n_train: int = 1,  # of these, how many are trained (the first ones)
    epochs: int = 12,
    lr: float = 0.002,
    batch_size: int = 16,
    n_stats: int = 300,
    seed: int = 0,
) -> HeStudy:
    """He et al.'s figure 3 on the digits: a ``depth``-layer ReLU network from each scheme.

    For each scheme, ``n_nets`` networks drawn from the seeds ``seed+1, seed+2, ...`` are
    measured at initialization on ``n_stats`` training examples (the same seeds for every
    scheme, so the networks differ only in scale); the first ``n_train`` are then trained by
    minibatch gradient descent (network ``i`` with minibatch order ``seed+1000+i``, the same
    for every scheme) and evaluated on the test set every epoch. See {ref}`chap-deep`.
    """
    data = v.instance(data, "data", DataSplit, example="e.g. initreg.load_digits()")
    depth = v.positive_int(depth, "depth")
    width = v.positive_int(width, "width")
    n_nets = v.positive_int(n_nets, "n_nets")
    n_train = v.nonneg_int(n_train, "n_train")
    if n_train > n_nets:
        raise ValueError(f"n_train must be at most n_nets = {n_nets}; got {n_train}")
    epochs = v.positive_int(epochs, "epochs")
    n_stats = v.positive_int(n_stats, "n_stats")
    seed = v.nonneg_int(seed, "seed")
    schemes = _check_schemes(schemes)
    sizes = (data.n_features, *([width] * depth), data.n_classes)
    rows = np.random.default_rng(seed).choice(len(data.y_train), min(n_stats, len(data.y_train)), replace=False)
    Xs = data.X_train[rows]
    ratios, hists = {}, {}
    for s in schemes:
        r = np.empty((n_nets, depth))
        hists[s] = []
        for i in range(n_nets):
            net = Network(sizes, "relu", init=s, rng=np.random.default_rng(seed + 1 + i))
            st = layer_stats(net, Xs)
            r[i] = np.log2(st.activation_mean_square / st.input_mean_square)
            if i < n_train:
                hists[s].append(train(net, data.X_train, data.y_train, epochs=epochs, lr=lr, batch_size=batch_size,
                                      rng=np.random.default_rng(seed + 1000 + i), X_test=data.X_test,
                                      y_test=data.y_test))
        ratios[s] = r
    return HeStudy(sizes, ratios, hists)


# ---------------------------------------------------------------- the playground
#: The values of k = n·Var(w) the playground's slider takes: 1/2 to 64√2 in steps of √2.
#: Xavier's rule is k = 1, He's k = 2, Glorot's standard U(±1/√n) k = 1/3; a gain g
#: multiplies k by g².
PLAYGROUND_KS: tuple[float, ...] = tuple(float(2.0 ** (j / 2)) for j in range(-2, 14))
#: The playground network's hidden layers.
PLAYGROUND_DEPTH = 20


@functools.lru_cache(maxsize=1)
def _playground_data() -> tuple[np.ndarray, np.ndarray]:
    d = load_digits(seed=0)
    rows = np.random.default_rng(0).choice(len(d.y_train), 200, replace=False)
    return d.X_train[rows], d.y_train[rows]


@_one_thread
def _playground_stats(activation: str, k: float, depth: int, width: int) -> LayerStats:
    X, y = _playground_data()
    net = Network((X.shape[1], *([width] * depth), 10), activation, init=initializer("xavier", gain=math.sqrt(k)),
                  rng=np.random.default_rng(7))
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        return layer_stats(net, X, y)


# 8 MB per 20 layers of 128 units: a few settings, the chapter's checks, are kept
_cached_playground_stats = functools.lru_cache(maxsize=16)(_playground_stats)


def _check_playground(activation: str, k: float, depth: int, width: int) -> tuple[str, float, int, int]:
    v.choice(activation, "activation", ACTIVATIONS)
    return activation, v.positive(k, "k"), v.positive_int(depth, "depth"), v.positive_int(width, "width")


def deep_playground_stats(activation: str, k: float = 1.0, depth: int = PLAYGROUND_DEPTH,
                          width: int = 128) -> LayerStats:
    """The layer statistics of the initialization playground's network ({ref}`chap-deep`).

    A [64, width × depth, 10] network with every W[l] ~ N(0, k/n[l-1]) (Xavier's draw times
    √k, seed 7) and zero biases, measured on 200 training digits (seed 0) with their labels.
    k = 1 is Xavier's rule, k = 2 He's. Cached (a few settings).
    """
    activation, k, depth, width = _check_playground(activation, k, depth, width)
    return _cached_playground_stats(activation, float(k), depth, width)


@dataclass(frozen=True)
class PlaygroundSweep:
    """The playground's network at a range of k = n·Var(w): per k, how the standard deviation
    of the activations and of the back-propagated gradients changes over the layers.

    ``activation_ratio`` is std a[L]/std a[1] (top over first), ``gradient_ratio`` is
    std ∂ℓ/∂z[1]/std ∂ℓ/∂z[L] (first over top: above 1, the gradients grow toward the input);
    the spreads are the largest standard deviation over the layers divided by the smallest;
    ``saturation`` is the mean saturated fraction over the layers.
    """

    activation: str
    depth: int
    ks: np.ndarray
    activation_ratio: np.ndarray
    activation_spread: np.ndarray
    gradient_ratio: np.ndarray
    gradient_spread: np.ndarray
    saturation: np.ndarray

    def level_k(self, kind: str) -> float:
        """The k at which the activations (or the gradients) of the first and the last layer
        are equally wide: where ``activation_ratio`` (``gradient_ratio``) first reaches 1,
        interpolated linearly in log(k) and log(ratio) between the two values of k around it.
        NaN if it does not reach 1 on the sweep."""
        v.choice(kind, "kind", ("activations", "gradients"))
        r = self.activation_ratio if kind == "activations" else self.gradient_ratio
        above = np.flatnonzero(r >= 1.0)
        if above.size == 0 or above[0] == 0:
            return math.nan
        i = int(above[0])
        x0, x1 = np.log(self.ks[i - 1]), np.log(self.ks[i])
        y0, y1 = np.log(r[i - 1]), np.log(r[i])
        return float(np.exp(x0 + (0.0 - y0) * (x1 - x0) / (y1 - y0)))


def playground_sweep(activation: str, ks: Sequence[float], depth: int = PLAYGROUND_DEPTH,
                     width: int = 128) -> PlaygroundSweep:
    """:func:`deep_playground_stats` at every k of ``ks`` (increasing), reduced to the per-k
    ratios and spreads of :class:`PlaygroundSweep` (not cached). See {ref}`chap-deep`."""
    v.choice(activation, "activation", ACTIVATIONS)
    kk = v.array(ks, "ks", ndim=1)
    if kk.size < 2 or np.any(kk <= 0) or np.any(np.diff(kk) <= 0):
        raise ValueError("ks must be at least two positive, increasing numbers")
    depth = v.positive_int(depth, "depth")
    if depth < 2:
        raise ValueError(f"depth must be at least 2 (a first and a last layer); got {depth}")
    width = v.positive_int(width, "width")
    rows = []
    for k in kk:
        st = _playground_stats(activation, float(k), depth, width)  # not kept in the cache
        a, g = st.activation_std, st.gradient_std
        with np.errstate(divide="ignore", invalid="ignore"):  # a layer of zeros: inf or NaN, as it is
            rows.append((a[-1] / a[0], a.max() / a.min(), g[0] / g[-1], g.max() / g.min(),
                         float(np.mean(st.saturation))))
    cols = np.array(rows, dtype=float).T
    return PlaygroundSweep(activation, depth, kk.astype(float), *cols)
