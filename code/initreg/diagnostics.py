"""Per-layer statistics of a network: activations, back-propagated gradients, saturation.

For a network and a batch ``X`` (one example per row), :func:`layer_stats` records for
every hidden layer l = 1..L-1

* the activations a[l] = g(z[l]) of every example and unit (for histograms),
* the back-propagated gradients ∂ℓ/∂z[l] of every example's own loss ℓ (when labels are
  given), i.e. ``m`` times the rows of ``net.backward(X, y).dZ``, which are ∂J/∂z[l]
  for the mean loss J = (1/m) Σ ℓ,
* their means and standard deviations, the standard deviation of ∂J/∂W[l], and
* the fraction of **saturated** units, :func:`saturated_fraction`.

:func:`track_layer_stats` trains a network and keeps these statistics at chosen epochs.
(Random inputs through a random deep network, against the prediction (n·Var(w))^l of
{ref}`chap-derivation`, are :mod:`initreg.propagation`.) See {ref}`chap-deep`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from .network import ACTIVATIONS, Network
from .tables import TextTable as _TextTable
from .training import History, train

__all__ = [
    "SATURATION_LEVELS",
    "saturated_fraction",
    "LayerStats",
    "layer_stats",
    "TrainingStats",
    "track_layer_stats",
]

#: The saturation thresholds: a tanh unit is saturated when |a| > 0.99, a sigmoid unit
#: when a < 0.01 or a > 0.99. In both cases g'(z) < 0.02 there (tanh' = 1 − a² < 0.0199,
#: σ' = a(1 − a) < 0.0099), so almost no gradient flows back through the unit.
SATURATION_LEVELS: dict[str, float] = {"tanh": 0.99, "sigmoid": 0.01}
#: The range of each activation function's values a = g(z).
_RANGES: dict[str, tuple[float, float]] = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, np.inf),
                                           "linear": (-np.inf, np.inf)}


def saturated_fraction(a: object, activation: str) -> float:
    """The fraction of entries of ``a = g(z)`` at which g is saturated.

    * ``tanh``: |a| > 0.99 (|z| > 2.65);
    * ``sigmoid``: a < 0.01 or a > 0.99 (|z| > 4.60);
    * ``relu``: a = 0, the inactive half-line where g'(z) = 0 as well;
    * ``linear``: never (0.0).

    See {ref}`chap-deep`.
    """
    arr = v.array(a, "a", finite=False)
    v.choice(activation, "activation", ACTIVATIONS)
    if arr.size == 0:
        raise ValueError("a must not be empty")
    if not np.isfinite(arr).all():
        raise ValueError("a must be finite (NaN or inf means the forward pass overflowed)")
    low, high = _RANGES[activation]
    if arr.min() < low or arr.max() > high:
        raise ValueError(f"a must be {activation} activations, in [{low:g}, {high:g}]; "
                         f"got values in [{arr.min():g}, {arr.max():g}]")
    return float(np.mean(_saturated(arr, activation)))


def _saturated(a: np.ndarray, activation: str) -> np.ndarray:
    """The boolean mask of the saturated entries of ``a`` (the rule of :func:`saturated_fraction`)."""
    if activation == "tanh":
        return np.abs(a) > SATURATION_LEVELS["tanh"]
    if activation == "sigmoid":
        lo = SATURATION_LEVELS["sigmoid"]
        return (a < lo) | (a > 1.0 - lo)
    if activation == "relu":
        return a <= 0.0
    return np.zeros(a.shape, dtype=bool)


class _Table(_TextTable):
    """Rows of numbers, each column formatted by ``fmt``, right-aligned as text."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[object]], fmt: Sequence[str]) -> None:
        super().__init__(header, [tuple(f.format(x) for f, x in zip(fmt, r)) for r in rows], align="right")


@dataclass
class LayerStats:
    """Statistics of every hidden layer l = 1..L-1 of a network on one batch.

    ``activations[l-1]`` is a[l] (shape ``(m, n[l])``); ``gradients[l-1]`` is ∂ℓ/∂z[l]
    for each example's own loss (``None`` without labels); ``weight_gradient_std[l-1]`` is
    the standard deviation of the entries of ∂J/∂W[l] for l = 1..L (``None`` without
    labels). ``input_var`` is the variance of the inputs a[0] over every entry.
    """

    functions: tuple[str, ...]
    activations: list[np.ndarray]
    gradients: list[np.ndarray] | None
    weight_gradient_std: np.ndarray | None
    input_var: float
    input_mean_square: float

    @property
    def layers(self) -> np.ndarray:
        """The hidden-layer numbers 1..L-1."""
        return np.arange(1, len(self.activations) + 1)

    @property
    def activation_mean(self) -> np.ndarray:
        return np.array([a.mean() for a in self.activations])

    @property
    def activation_std(self) -> np.ndarray:
        return np.array([a.std() for a in self.activations])

    @property
    def activation_var(self) -> np.ndarray:
        return np.array([a.var() for a in self.activations])

    @property
    def activation_mean_square(self) -> np.ndarray:
        """E[a[l]²] over examples and units (the quantity He et al. propagate)."""
        return np.array([np.mean(a * a) for a in self.activations])

    def _grads(self) -> list[np.ndarray]:
        if self.gradients is None:
            raise ValueError("these statistics have no gradients: pass labels y to layer_stats")
        return self.gradients

    def values(self, kind: str = "activations") -> list[np.ndarray]:
        """a[l] (``kind="activations"``) or ∂ℓ/∂z[l] (``"gradients"``) of every hidden layer."""
        v.choice(kind, "kind", ("activations", "gradients"))
        return self.activations if kind == "activations" else self._grads()

    @property
    def gradient_mean(self) -> np.ndarray:
        return np.array([g.mean() for g in self._grads()])

    @property
    def gradient_std(self) -> np.ndarray:
        return np.array([g.std() for g in self._grads()])

    @property
    def saturation(self) -> np.ndarray:
        """:func:`saturated_fraction` of every hidden layer."""
        return np.array([saturated_fraction(a, f) for a, f in zip(self.activations, self.functions)])

    def saturated_units(self) -> list[np.ndarray]:
        """Per hidden layer, the boolean mask (shape ``(m, n[l])``) of the entries of a[l] that
        :func:`saturated_fraction` counts as saturated."""
        return [_saturated(a, f) for a, f in zip(self.activations, self.functions)]

    def table(self) -> _Table:
        """Per-layer table: width, mean and std of a[l], saturated fraction, std of ∂ℓ/∂z[l] and ∂J/∂W[l]."""
        cols: list[tuple[str, np.ndarray, str]] = [
            ("layer l", self.layers, "{:d}"),
            ("n[l]", np.array([a.shape[1] for a in self.activations]), "{:d}"),
            ("g", np.array(self.functions), "{}"),
            ("mean a[l]", np.round(self.activation_mean, 4) + 0.0, "{:.4f}"),  # + 0.0: no "-0.0000"
            ("std a[l]", self.activation_std, "{:.4f}"),
            ("saturated", self.saturation, "{:.3f}"),
        ]
        if self.gradients is not None:
            cols.append(("std ∂ℓ/∂z[l]", self.gradient_std, "{:.3e}"))
            cols.append(("std ∂J/∂W[l]", self.weight_gradient_std[:-1], "{:.3e}"))
        header = [c[0] for c in cols]
        rows = list(zip(*[c[1].tolist() for c in cols]))
        return _Table(header, rows, [c[2] for c in cols])

    def __repr__(self) -> str:
        grads = "with" if self.gradients is not None else "without"
        return (f"LayerStats({len(self.activations)} hidden layers, {self.activations[0].shape[0]} examples, "
                f"{grads} gradients)") if self.activations else "LayerStats(no hidden layers)"


def layer_stats(net: Network, X: object, y: object = None) -> LayerStats:
    """Forward (and, with labels ``y``, backward) pass of ``net`` on ``X``, layer by layer.

    Nothing is changed in the network. Gradients are per example: ∂ℓ/∂z[l] = m·∂J/∂z[l].
    See {ref}`chap-deep`.
    """
    v.instance(net, "net", Network)
    if net.L < 2:
        raise ValueError("net has no hidden layer: layer statistics need L >= 2")
    Xc = net.check_X(X)
    A = net.forward(Xc)
    acts = [a for a in A[1:-1]]
    grads = wstd = None
    if y is not None:
        g = net.backward(Xc, y)
        m = Xc.shape[0]
        grads = [d * m for d in g.dZ[:-1]]
        wstd = np.array([w.std() for w in g.dW])
    return LayerStats(tuple(net.activations), acts, grads, wstd, float(Xc.var()), float(np.mean(Xc * Xc)))


@dataclass
class TrainingStats:
    """Layer statistics kept while training: ``stats[i]`` was measured at ``epochs[i]``."""

    history: History
    epochs: list[int] = field(default_factory=list)
    stats: list[LayerStats] = field(default_factory=list)

    def at(self, epoch: int) -> LayerStats:
        """The statistics measured at ``epoch`` (one of :attr:`epochs`)."""
        if epoch not in self.epochs:
            raise ValueError(f"epoch must be one of the recorded epochs {self.epochs}; got {epoch!r}")
        return self.stats[self.epochs.index(epoch)]

    def accuracy_at(self, epoch: int, *, test: bool = False) -> float:
        """Training (or test) accuracy recorded at ``epoch``."""
        if epoch not in self.history.epoch:
            raise ValueError(f"epoch must be one of the recorded epochs {self.history.epoch}; got {epoch!r}")
        if test and not self.history.test_accuracy:
            raise ValueError("no test data was recorded: pass X_test and y_test to track_layer_stats")
        i = self.history.epoch.index(epoch)
        return (self.history.test_accuracy if test else self.history.accuracy)[i]

    def __repr__(self) -> str:
        return f"TrainingStats({self.history.status}; layer statistics at epochs {self.epochs})"


def track_layer_stats(
    net: Network,
    X: object,
    y: object,
    *,
    epochs: int,
    lr: float,
    snapshots: Sequence[int],
    X_stats: object = None,
    y_stats: object = None,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    X_test: object = None,
    y_test: object = None,
) -> TrainingStats:
    """Train ``net`` with :func:`initreg.train`, keeping :func:`layer_stats` at ``snapshots``.

    The statistics are measured on ``X_stats, y_stats`` (default: the training data),
    at the end of each epoch listed in ``snapshots`` (0 = at initialization). Metrics are
    recorded every epoch. See {ref}`chap-deep`.
    """
    v.instance(net, "net", Network)
    epochs = v.nonneg_int(epochs, "epochs")
    if isinstance(snapshots, (str, bytes)) or not isinstance(snapshots, Sequence) or not snapshots:
        raise ValueError("snapshots must be a non-empty sequence of epochs")
    snaps = sorted({v.nonneg_int(s, "snapshots") for s in snapshots})
    if snaps[-1] > epochs:
        raise ValueError(f"snapshots must lie in 0..epochs = 0..{epochs}; got {snaps[-1]}")
    if (X_stats is None) != (y_stats is None):
        raise ValueError("X_stats and y_stats must be given together")
    Xs, ys = (X, y) if X_stats is None else (X_stats, y_stats)
    own = X_stats is None  # the statistics are measured on the training data: name X and y
    Xs = net.check_X(Xs, "X" if own else "X_stats")
    ys = net.check_y(ys, Xs.shape[0], "y" if own else "y_stats")
    out = TrainingStats(History())

    def keep(epoch: int, model: Network) -> None:
        if epoch in snaps:
            out.epochs.append(epoch)
            out.stats.append(layer_stats(model, Xs, ys))

    out.history = train(net, X, y, epochs=epochs, lr=lr, batch_size=batch_size, rng=rng,
                        X_test=X_test, y_test=y_test, record_every=1, callback=keep)
    return out


# -------------------------------------------------------------------- plotting
