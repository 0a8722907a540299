"""When a regularizer helps, measured: seeded small-data sweeps. See {ref}`chap-at-work`.

The regime is the introduction's over-fitting setup made small enough to repeat: a
``[64, 32, 10]`` tanh network (Xavier initialization) trained by full-batch gradient
descent with α = 2 for 300 epochs on 100 training digits (:data:`SMALL_DATA`). Each seed
of :data:`SEEDS` draws its own 100 training and 300 validation rows from the digits'
training images (``holdout_split`` with ``numpy.random.default_rng(seed)``), its own
initial weights (``default_rng([seed, 1])``) and, for dropout, its own masks
(``default_rng([seed, 2])``); the 450 test images are the same for every seed. Within a
seed, every run starts from the same weights on the same rows and differs only in its
regularizer:

* ``"l1"``, ``"l2"``: the penalty λΣ|w| or λΣw² on the weight matrices (never the
  biases), at each λ of :data:`LAMBDAS`;
* ``"early_stopping"``: the run without a penalty stopped after t epochs, t in
  :data:`STOP_EPOCHS` (read off one run recorded at every epoch);
* ``"dropout"``: inverted dropout on the hidden units with probability p in
  :data:`DROPOUT_PS` (:func:`initreg.train`'s ``dropout``);
* ``"adamw"``: Adam (α = 0.01) with decoupled weight decay, every weight multiplied by
  ``1 − α·decay`` per step, decay in :data:`ADAMW_DECAYS` (:func:`initreg.adam_update`).

The first strength of each is "off": λ = 0, t = 300, p = 0 (the same run as ``"none"``)
or decay 0 (Adam alone). A strength is chosen per seed on the validation rows, by the
lowest validation loss (:attr:`Sweep.chosen_index`; early stopping chooses among every
epoch, :meth:`UnpenalizedPath.best_epoch`), and only then measured on the test images.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import _threads
from . import _validate as v
from .datasets import DataSplit, load_digits
from .network import Network
from .tables import TextTable
from .training import History, train
from .weights import Holdout, holdout_split, weight_norm

__all__ = [
    "SMALL_DATA",
    "SEEDS",
    "REGULARIZERS",
    "REGULARIZER_NAMES",
    "STRENGTH_NAMES",
    "LAMBDAS",
    "STOP_EPOCHS",
    "DROPOUT_PS",
    "ADAMW_DECAYS",
    "strengths_of",
    "small_data_split",
    "small_data_network",
    "Run",
    "UnpenalizedPath",
    "train_regularized",
    "unpenalized_path",
    "Sweep",
    "SmallDataStudy",
    "small_data_study",
]

#: The small-data regime (read-only: :func:`small_data_study` caches its runs).
SMALL_DATA: Mapping[str, object] = MappingProxyType({
    "n_train": 100,        # training rows per seed
    "n_val": 300,          # validation rows per seed (other training images)
    "sizes": (64, 32, 10),
    "activation": "tanh",
    "init": "xavier",
    "epochs": 300,         # full-batch steps
    "lr": 2.0,             # α of gradient descent
    "adam_lr": 0.01,       # α of Adam (AdamW)
    "record_every": 20,    # the curves of a run; the run without a penalty records every epoch
    "data_seed": 0,        # load_digits(seed=0): the book's split into training and test images
})
#: The seeds: each draws its own training and validation rows, initial weights and masks.
SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)
#: The regularizers of the chapter, "none" first.
REGULARIZERS: tuple[str, ...] = ("none", "l1", "l2", "early_stopping", "dropout", "adamw")
#: How the book names each.
REGULARIZER_NAMES: Mapping[str, str] = MappingProxyType({
    "none": "no regularizer", "l1": "L1", "l2": "L2", "early_stopping": "early stopping",
    "dropout": "dropout", "adamw": "AdamW"})
#: What each one's strength is.
STRENGTH_NAMES: Mapping[str, str] = MappingProxyType({
    "none": "none", "l1": "λ", "l2": "λ", "early_stopping": "stopping epoch t", "dropout": "p",
    "adamw": "decay"})
#: λ = 0, then five per decade from 1e-4 to 10^(-1.2) ≈ 0.063 (16 strengths).
LAMBDAS: tuple[float, ...] = (0.0,) + tuple(float(10.0 ** (-4 + k / 5)) for k in range(15))
#: The stopping epochs, from 300 (no stopping) down to 5, evenly on a log scale (16).
STOP_EPOCHS: tuple[int, ...] = tuple(int(round(300 * (5 / 300) ** (k / 15))) for k in range(16))
#: The dropout probabilities 0, 0.05, ..., 0.75 (16).
DROPOUT_PS: tuple[float, ...] = tuple(round(0.05 * k, 2) for k in range(16))
#: AdamW's decay: 0, then five per decade from 0.01 to 10^0.8 ≈ 6.3 (16).
ADAMW_DECAYS: tuple[float, ...] = (0.0,) + tuple(float(0.01 * 10.0 ** (k / 5)) for k in range(15))

_GRIDS = {"l1": LAMBDAS, "l2": LAMBDAS, "early_stopping": tuple(float(t) for t in STOP_EPOCHS),
          "dropout": DROPOUT_PS, "adamw": ADAMW_DECAYS}


def strengths_of(regularizer: str) -> tuple[float, ...]:
    """The 16 strengths of ``regularizer`` (one of :data:`REGULARIZERS` but ``"none"``),
    weakest (off) first."""
    return _GRIDS[v.choice(regularizer, "regularizer", tuple(_GRIDS))]


@functools.lru_cache(maxsize=1)
def _digits() -> DataSplit:
    return load_digits(seed=int(SMALL_DATA["data_seed"]))


def small_data_split(seed: int) -> Holdout:
    """The seed's 100 training and 300 validation rows (disjoint), drawn by
    ``holdout_split`` with ``default_rng(seed)`` from the digits' training images, and
    the 450 test images."""
    seed = v.nonneg_int(seed, "seed")
    return holdout_split(_digits(), int(SMALL_DATA["n_train"]), int(SMALL_DATA["n_val"]),
                         rng=np.random.default_rng(seed))


def small_data_network(seed: int) -> Network:
    """The seed's network before training: ``SMALL_DATA``'s sizes, activation and
    initialization, its weights drawn by ``numpy.random.default_rng([seed, 1])``."""
    seed = v.nonneg_int(seed, "seed")
    s = SMALL_DATA
    return Network(s["sizes"], s["activation"], init=s["init"], rng=np.random.default_rng([seed, 1]))


@dataclass(frozen=True)
class Run:
    """One trained network of the study: its regularizer and strength, its curves
    (training and test loss and accuracy at the recorded ``epoch``), and at its end the
    validation loss and accuracy, the weight norm ``‖W‖`` (weights only), which of the
    test images it classifies correctly (``test_correct``, for paired comparisons), its
    mean confidence on the test images (``test_confidence``, the mean over images of the
    largest softmax probability) and the share of its weights with ``|w| < ½``
    (``small_weights``, where L1's pull λ exceeds L2's 2λ|w|)."""

    regularizer: str
    strength: float
    seed: int
    epoch: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    val_loss: float
    val_accuracy: float
    norm: float
    test_correct: np.ndarray
    test_confidence: float
    small_weights: float

    @property
    def final_test_loss(self) -> float:
        return float(self.test_loss[-1])

    @property
    def final_test_accuracy(self) -> float:
        return float(self.test_accuracy[-1])

    @property
    def final_train_loss(self) -> float:
        return float(self.train_loss[-1])

    @property
    def final_train_accuracy(self) -> float:
        return float(self.train_accuracy[-1])

    def __repr__(self) -> str:
        return (f"Run({REGULARIZER_NAMES[self.regularizer]}, {STRENGTH_NAMES[self.regularizer]} = "
                f"{self.strength:g}, seed {self.seed}: test loss {self.final_test_loss:.3f}, test accuracy "
                f"{self.final_test_accuracy:.3f}, validation loss {self.val_loss:.3f})")


def _test_view(net: Network, split: Holdout) -> tuple[np.ndarray, float, float]:
    """Which test images ``net`` classifies correctly, its mean largest softmax probability
    on them, and the share of its weights with |w| < ½."""
    P = net.predict_proba(split.X_test)
    correct = P.argmax(axis=1) == split.y_test
    correct.setflags(write=False)
    w = np.concatenate([m.ravel() for m in net.weights])
    return correct, float(P.max(axis=1).mean()), float(np.mean(np.abs(w) < 0.5))


def _run_of(regularizer: str, strength: float, seed: int, h: History, split: Holdout, net: Network) -> Run:
    if h.diverged:
        raise RuntimeError(f"{REGULARIZER_NAMES[regularizer]} at {strength:g}, seed {seed}: training {h.status}")
    vl, va = net.evaluate(split.X_val, split.y_val)
    a = h.as_arrays()
    return Run(regularizer, float(strength), seed, a["epoch"], a["loss"], a["test_loss"], a["accuracy"],
               a["test_accuracy"], float(vl), float(va), weight_norm(net), *_test_view(net, split))


def train_regularized(regularizer: str, strength: float, seed: int) -> Run:
    """Train the seed's network on its 100 rows with ``regularizer`` at ``strength``
    (see the module), recording every ``SMALL_DATA["record_every"]`` epochs.

    ``"early_stopping"`` is read off :func:`unpenalized_path` (``strength`` is the
    stopping epoch); ``"none"`` takes ``strength = 0``.
    """
    regularizer = v.choice(regularizer, "regularizer", REGULARIZERS)
    seed = v.nonneg_int(seed, "seed")
    if regularizer == "early_stopping":
        t = v.real(strength, "strength", low=0.0)
        if t != int(t) or t > int(SMALL_DATA["epochs"]):
            raise ValueError("strength of early stopping is the stopping epoch, an integer in "
                             f"0..{SMALL_DATA['epochs']}; "
                             f"got {strength!r}")
        return unpenalized_path(seed).stopped(int(t))
    strength = v.nonneg(strength, "strength")
    if regularizer == "none" and strength != 0.0:
        raise ValueError(f"strength must be 0 for regularizer 'none'; got {strength!r}")
    if regularizer == "dropout" and strength >= 1.0:
        raise ValueError(f"strength of dropout is the probability p, in [0, 1); got {strength!r}")
    s = SMALL_DATA
    split = small_data_split(seed)
    net = small_data_network(seed)
    kw: dict[str, object] = dict(epochs=s["epochs"], lr=s["lr"], X_test=split.X_test, y_test=split.y_test,
                                 record_every=s["record_every"])
    if regularizer in ("l1", "l2"):
        kw.update(penalty=regularizer, lam=strength)
    elif regularizer == "dropout" and strength > 0:
        kw.update(dropout=strength, rng=np.random.default_rng([seed, 2]))
    elif regularizer == "adamw":
        kw.update(optimizer="adam", lr=s["adam_lr"], decay=strength)
    with _threads.one_thread():
        h = train(net, split.X_train, split.y_train, **kw)
        return _run_of(regularizer, strength, seed, h, split, net)


@dataclass(frozen=True)
class UnpenalizedPath:
    """The seed's run without a regularizer, recorded at every epoch 0..300: training,
    validation and test loss and accuracy, the weight norm ``‖W‖`` and the distance from
    the initial weights ``‖W − W₀‖`` (weights only) at each epoch, and, as a :class:`Run`
    has them, the test images classified correctly, the mean test confidence and the share
    of weights below ½ at each epoch.
    Early stopping reads its networks off it (:meth:`stopped`)."""

    seed: int
    epoch: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    norm: np.ndarray
    displacement: np.ndarray
    test_correct: np.ndarray
    test_confidence: np.ndarray
    small_weights: np.ndarray

    def best_epoch(self) -> int:
        """Early stopping: the epoch t ≥ 1 of the lowest validation loss (the first, if several tie)."""
        return int(self.epoch[1 + int(np.argmin(self.val_loss[1:]))])

    def stopped(self, t: int) -> Run:
        """The network after ``t`` epochs, as a :class:`Run`: its curves up to ``t``, sampled
        as a run's are (every ``record_every`` epochs, and at ``t``)."""
        t = v.nonneg_int(t, "t")
        if t > self.epoch[-1]:
            raise ValueError(f"t must be at most {int(self.epoch[-1])}; got {t}")
        k = int(SMALL_DATA["record_every"])
        rows = np.unique(np.r_[np.arange(0, t + 1, k), t])
        return Run("early_stopping", float(t), self.seed, self.epoch[rows], self.train_loss[rows],
                   self.test_loss[rows], self.train_accuracy[rows], self.test_accuracy[rows],
                   float(self.val_loss[t]), float(self.val_accuracy[t]), float(self.norm[t]), self.test_correct[t],
                   float(self.test_confidence[t]), float(self.small_weights[t]))

    def __repr__(self) -> str:
        b = self.best_epoch()
        return (f"UnpenalizedPath(seed {self.seed}, {len(self.epoch) - 1} epochs; lowest validation loss "
                f"{self.val_loss[b]:.3f} at epoch {b}, test loss there {self.test_loss[b]:.3f}, at the end "
                f"{self.test_loss[-1]:.3f})")


@functools.lru_cache(maxsize=16)
def _path(seed: int) -> UnpenalizedPath:
    s = SMALL_DATA
    split = small_data_split(seed)
    net = small_data_network(seed)
    start = [w.copy() for w in net.weights]
    extra: list[tuple[float, float, float, float, float, float]] = []
    correct: list[np.ndarray] = []

    def measure(epoch: int, n: Network) -> None:
        vl, va = n.evaluate(split.X_val, split.y_val)
        moved = weight_norm([w - w0 for w, w0 in zip(n.weights, start)])
        c, conf, small = _test_view(n, split)
        correct.append(c)
        extra.append((vl, va, weight_norm(n), moved, conf, small))

    with _threads.one_thread():
        h = train(net, split.X_train, split.y_train, epochs=s["epochs"], lr=s["lr"], X_test=split.X_test,
                  y_test=split.y_test, record_every=1, callback=measure)
    if h.diverged:
        raise RuntimeError(f"the unpenalized run of seed {seed}: training {h.status}")
    a, e = h.as_arrays(), np.array(extra)
    out = UnpenalizedPath(seed, a["epoch"], a["loss"], a["accuracy"], e[:, 0], e[:, 1], a["test_loss"],
                          a["test_accuracy"], e[:, 2], e[:, 3], np.array(correct), e[:, 4], e[:, 5])
    for arr in (out.epoch, out.train_loss, out.train_accuracy, out.val_loss, out.val_accuracy, out.test_loss,
                out.test_accuracy, out.norm, out.displacement, out.test_correct, out.test_confidence,
                out.small_weights):
        arr.setflags(write=False)
    return out


def unpenalized_path(seed: int) -> UnpenalizedPath:
    """The seed's run without a regularizer, recorded at every epoch (cached)."""
    return _path(v.nonneg_int(seed, "seed"))


#: The quantities of a run that a :class:`Sweep` tabulates.
_QUANTITIES = ("test_loss", "test_accuracy", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "norm",
               "test_confidence", "small_weights")


def _value(run: Run, quantity: str) -> float:
    if quantity in ("test_loss", "test_accuracy", "train_loss", "train_accuracy"):
        return float(getattr(run, quantity)[-1])
    return float(getattr(run, quantity))


@dataclass(frozen=True)
class Sweep:
    """One regularizer at each of its 16 strengths, for every seed: ``runs[i][j]`` is seed
    ``seeds[i]`` at ``strengths[j]``. :meth:`table` gives one quantity as a
    ``(seeds, strengths)`` array; :attr:`chosen_index` is each seed's choice on validation."""

    regularizer: str
    strengths: np.ndarray
    seeds: tuple[int, ...]
    runs: tuple[tuple[Run, ...], ...]

    def table(self, quantity: str) -> np.ndarray:
        """``quantity`` (one of test_loss, test_accuracy, train_loss, train_accuracy,
        val_loss, val_accuracy, norm, test_confidence, small_weights; at the end of each
        run) per seed and strength."""
        quantity = v.choice(quantity, "quantity", _QUANTITIES)
        return np.array([[_value(r, quantity) for r in row] for row in self.runs])

    @property
    def chosen_index(self) -> np.ndarray:
        """Per seed, the strength of the lowest validation loss (the weakest, if several tie)."""
        return np.argmin(self.table("val_loss"), axis=1)

    @property
    def chosen_strength(self) -> np.ndarray:
        return self.strengths[self.chosen_index]

    def chosen(self, quantity: str) -> np.ndarray:
        """``quantity`` of each seed's chosen run."""
        t = self.table(quantity)
        return t[np.arange(t.shape[0]), self.chosen_index]

    def __repr__(self) -> str:
        tl = self.chosen("test_loss")
        ta = self.chosen("test_accuracy")
        picks = ", ".join(f"{s:g}" for s in self.chosen_strength)
        return (f"Sweep({REGULARIZER_NAMES[self.regularizer]}, {len(self.strengths)} strengths × {len(self.seeds)} "
                f"seeds; chosen on validation: {STRENGTH_NAMES[self.regularizer]} = {picks}; test loss "
                f"{tl.mean():.3f} ± {tl.std(ddof=1):.3f}, test accuracy {ta.mean():.3f} ± {ta.std(ddof=1):.3f})")


@dataclass(frozen=True)
class SmallDataStudy:
    """Every run of the chapter's small-data experiment (:func:`small_data_study`).

    ``paths[i]`` is seed ``seeds[i]``'s run without a regularizer at every epoch;
    ``sweeps[r]`` the :class:`Sweep` of regularizer r (l1, l2, early_stopping, dropout,
    adamw). Per-seed numbers come as arrays in the order of ``seeds``.
    """

    seeds: tuple[int, ...]
    paths: tuple[UnpenalizedPath, ...]
    sweeps: Mapping[str, Sweep]

    def none(self, quantity: str) -> np.ndarray:
        """``quantity`` of each seed's run without a regularizer, at its end."""
        quantity = v.choice(quantity, "quantity", _QUANTITIES)
        return self.sweeps["l2"].table(quantity)[:, 0]

    def chosen(self, regularizer: str, quantity: str) -> np.ndarray:
        """``quantity`` of each seed's choice on validation: for early stopping the epoch of
        the lowest validation loss among all 300, for the others the strength of
        :attr:`Sweep.chosen_index`."""
        regularizer = v.choice(regularizer, "regularizer", REGULARIZERS[1:])
        quantity = v.choice(quantity, "quantity", _QUANTITIES)
        if regularizer == "early_stopping":
            return np.array([_value(p.stopped(p.best_epoch()), quantity) for p in self.paths])
        return self.sweeps[regularizer].chosen(quantity)

    def stop_epochs(self) -> np.ndarray:
        """Early stopping's choice per seed: the epoch of the lowest validation loss."""
        return np.array([p.best_epoch() for p in self.paths])

    def baseline(self, regularizer: str, quantity: str) -> np.ndarray:
        """``quantity`` of each seed's run with ``regularizer`` switched off: the run
        without a regularizer, except for AdamW, whose "off" is Adam alone (decay 0), so
        that the change measures the decay and not the optimizer."""
        regularizer = v.choice(regularizer, "regularizer", REGULARIZERS[1:])
        quantity = v.choice(quantity, "quantity", _QUANTITIES)
        if regularizer == "adamw":
            return self.sweeps["adamw"].table(quantity)[:, 0]
        return self.none(quantity)

    def gain(self, regularizer: str, quantity: str) -> np.ndarray:
        """Per seed, the chosen run's ``quantity`` minus that of the same seed's run with
        the regularizer off (:meth:`baseline`; the pair shares data, initial weights and
        test images)."""
        return self.chosen(regularizer, quantity) - self.baseline(regularizer, quantity)

    def paired_bootstrap(self, a: str, b: str | None = None, *, n_boot: int = 2000,
                         rng: np.random.Generator) -> np.ndarray:
        """Test-accuracy differences, in points, of regularizer ``a``'s chosen networks over
        ``b``'s (``None``: the baseline of ``a``, :meth:`baseline`), averaged over the
        seeds, for ``n_boot`` resamples of the test images (the same resample for every
        seed, since the seeds share the test set). Its percentiles are a confidence
        interval that counts the test set's sampling, which the spread over seeds does not."""
        a = v.choice(a, "a", REGULARIZERS[1:])
        n_boot = v.positive_int(n_boot, "n_boot")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")

        def correct(r: str, base: bool) -> np.ndarray:
            if r == "early_stopping" and not base:
                return np.array([p.test_correct[p.best_epoch()] for p in self.paths])
            sw = self.sweeps["l2" if base and r != "adamw" else r]
            idx = np.zeros(len(self.seeds), int) if base else sw.chosen_index
            return np.array([sw.runs[i][k].test_correct for i, k in enumerate(idx)])

        ca = correct(a, False)
        cb = correct(a, True) if b is None else correct(v.choice(b, "b", REGULARIZERS[1:]), False)
        d = (ca.astype(float) - cb).mean(axis=0)  # per test image, mean over seeds
        idx = rng.integers(0, d.size, size=(n_boot, d.size))
        return 100 * d[idx].mean(axis=1)

    def comparison(self, regularizers: Sequence[str] = REGULARIZERS[1:]) -> TextTable:
        """A table, one row per regularizer: the strength chosen for each seed, the mean ±
        standard deviation over seeds of the chosen runs' test loss and accuracy, and the
        smallest and largest change from the same seed's run with it off (:meth:`baseline`:
        for AdamW, Adam alone)."""
        if isinstance(regularizers, (str, bytes)) or not isinstance(regularizers, Sequence) or not regularizers:
            raise ValueError(f"regularizers must be a non-empty sequence of names from {', '.join(REGULARIZERS[1:])}")
        regs = [v.choice(r, f"regularizers[{i}]", REGULARIZERS[1:]) for i, r in enumerate(regularizers)]
        tl, ta = self.none("test_loss"), self.none("test_accuracy")
        rows = [("none", "–", f"{tl.mean():.3f} ± {tl.std(ddof=1):.3f}", "–",
                 f"{ta.mean():.1%} ± {ta.std(ddof=1):.1%}", "–")]
        for r in regs:
            picks = self.stop_epochs() if r == "early_stopping" else self.sweeps[r].chosen_strength
            shown = ", ".join(f"{int(x)}" if r == "early_stopping" else f"{x:.2g}" for x in picks)
            cl, ca = self.chosen(r, "test_loss"), self.chosen(r, "test_accuracy")
            dl = cl - self.baseline(r, "test_loss")
            da = 100 * (ca - self.baseline(r, "test_accuracy"))
            rows.append((f"{REGULARIZER_NAMES[r]} ({STRENGTH_NAMES[r]})", shown,
                         f"{cl.mean():.3f} ± {cl.std(ddof=1):.3f}", f"{dl.min():+.3f} to {dl.max():+.3f}",
                         f"{ca.mean():.1%} ± {ca.std(ddof=1):.1%}", f"{da.min():+.1f} to {da.max():+.1f}"))
        return TextTable(("regularizer", "chosen per seed", "test loss", "change (vs off)", "test accuracy",
                          "change (points)"), rows)

    def run(self, regularizer: str, index: int, seed: int) -> Run:
        """The run of ``regularizer`` at its ``index``-th strength (0..15) for ``seed``;
        ``"none"`` is the unregularized run whatever the index."""
        regularizer = v.choice(regularizer, "regularizer", REGULARIZERS)
        index = v.nonneg_int(index, "index")
        if index >= 16:
            raise ValueError(f"index must be in 0..15; got {index}")
        if seed not in self.seeds:
            raise ValueError(f"seed must be one of {', '.join(map(str, self.seeds))}; got {seed!r}")
        i = self.seeds.index(seed)
        sweep = self.sweeps["l2" if regularizer == "none" else regularizer]
        return sweep.runs[i][0 if regularizer == "none" else index]

    def __repr__(self) -> str:
        return (f"SmallDataStudy({len(self.seeds)} seeds × {len(self.sweeps)} regularizers × 16 strengths; "
                f"no regularizer: test loss {self.none('test_loss').mean():.3f}, test accuracy "
                f"{self.none('test_accuracy').mean():.3f} (means over seeds))")


def _sweep(regularizer: str, seeds: tuple[int, ...]) -> Sweep:
    grid = strengths_of(regularizer)
    rows = []
    for s in seeds:
        base = unpenalized_path(s).stopped(int(SMALL_DATA["epochs"]))
        base = Run(regularizer, 0.0, s, *(getattr(base, f) for f in (
            "epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "val_loss", "val_accuracy",
            "norm", "test_correct", "test_confidence", "small_weights")))
        row = []
        for j, g in enumerate(grid):
            if regularizer == "early_stopping":
                row.append(train_regularized(regularizer, g, s))
            elif j == 0 and regularizer != "adamw":  # off: the run without a regularizer
                row.append(base)
            else:
                row.append(train_regularized(regularizer, g, s))
        rows.append(tuple(row))
    return Sweep(regularizer, np.array(grid, dtype=float), seeds, tuple(rows))


@functools.lru_cache(maxsize=4)
def _study(seeds: tuple[int, ...]) -> SmallDataStudy:
    paths = tuple(unpenalized_path(s) for s in seeds)
    sweeps = {r: _sweep(r, seeds) for r in REGULARIZERS[1:]}
    return SmallDataStudy(seeds, paths, MappingProxyType(sweeps))


def small_data_study(seeds: Sequence[int] = SEEDS) -> SmallDataStudy:
    """Every regularizer at every strength for every seed (:class:`SmallDataStudy`),
    trained once and cached: 5 seeds × (the run without a regularizer + 15 strengths of
    L1, L2 and dropout + 16 of AdamW), early stopping read off the first."""
    seed_list = v.seeds(seeds, distinct=True)
    return _study(seed_list)
