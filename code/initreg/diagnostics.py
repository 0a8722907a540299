"""Per-layer statistics of a network: activations, back-propagated gradients, saturation.

For a network and a batch ``X`` (one example per row), :func:`layer_stats` records for
every hidden layer l = 1..L-1

* the activations a[l] = g(z[l]) of every example and unit (for histograms),
* the back-propagated gradients ∂ℓ/∂z[l] of every example's own loss ℓ (when labels are
  given), i.e. ``m`` times the rows of ``net.backward(X, y).dZ``, which are ∂J/∂z[l]
  for the mean loss J = (1/m) Σ ℓ,
* their means and standard deviations, the standard deviation of ∂J/∂W[l], and
* the fraction of **saturated** units, :func:`saturated_fraction`.

:func:`track_layer_stats` trains a network and keeps these statistics at chosen epochs;
:func:`signal_propagation` sends random inputs through a random deep network to compare
the measured variance of every layer with the prediction (n·Var(w))^l of
{ref}`chap-derivation`. See {ref}`chap-deep`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import _threads
from . import _validate as v
from ._explorable_v1 import Choice, Explorable, Slider, _axis_key, _RasterCache, register_figure
from .initializers import init_variance, initializer
from .network import ACTIVATIONS, Network
from .figures.style import COLORS, new_figure
from .tables import TextTable as _TextTable
from .training import History, train

F = TypeVar("F", bound=Callable[..., object])

__all__ = [
    "SATURATION_LEVELS",
    "saturated_fraction",
    "LayerStats",
    "layer_stats",
    "TrainingStats",
    "track_layer_stats",
    "SignalPropagation",
    "signal_propagation",
    "plot_layer_histograms",
    "plot_signal_propagation",
    "variance_propagation_explorer",
]

def _single_threaded(fn: F) -> F:
    """Run ``fn`` with one BLAS thread.

    The matrices of this module are small (a few hundred rows); splitting their products
    over threads costs more than it saves, and far more on a busy machine, where idle BLAS
    threads spin while waiting for a core (see :mod:`initreg._threads`).
    """
    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> object:
        with _threads.one_thread():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


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
    if not isinstance(net, Network):
        raise TypeError(f"net must be an initreg.Network; got {type(net).__name__}")
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
    if not isinstance(net, Network):
        raise TypeError(f"net must be an initreg.Network; got {type(net).__name__}")
    epochs = v.nonneg_int(epochs, "epochs")
    if isinstance(snapshots, (str, bytes)) or not isinstance(snapshots, Sequence) or not snapshots:
        raise ValueError("snapshots must be a non-empty sequence of epochs")
    snaps = sorted({v.nonneg_int(s, "snapshots") for s in snapshots})
    if snaps[-1] > epochs:
        raise ValueError(f"snapshots must lie in 0..epochs = 0..{epochs}; got {snaps[-1]}")
    if (X_stats is None) != (y_stats is None):
        raise ValueError("X_stats and y_stats must be given together")
    Xs, ys = (X, y) if X_stats is None else (X_stats, y_stats)
    Xs = net.check_X(Xs, "X_stats")
    ys = net.check_y(ys, Xs.shape[0], "y_stats")
    out = TrainingStats(History())

    def keep(epoch: int, model: Network) -> None:
        if epoch in snaps:
            out.epochs.append(epoch)
            out.stats.append(layer_stats(model, Xs, ys))

    out.history = train(net, X, y, epochs=epochs, lr=lr, batch_size=batch_size, rng=rng,
                        X_test=X_test, y_test=y_test, record_every=1, callback=keep)
    return out


# ------------------------------------------------------------- signal propagation
@dataclass(frozen=True)
class SignalPropagation:
    """Per-layer statistics of random inputs sent through a random deep network.

    Index 0 is the input; index l is layer l. ``var_z[0]`` and ``var_a[0]`` are Var(x).
    ``samples[l]`` keeps a few hundred values of a[l] for histograms. ``scheme`` names how
    the weights were drawn: ``"xavier×√k"`` (N(0, k/n)) or a scheme of ``INIT_SCHEMES``.
    """

    activation: str
    k: float
    width: int
    var_z: np.ndarray
    var_a: np.ndarray
    mean_square_a: np.ndarray
    samples: list[np.ndarray]
    scheme: str = "xavier×√k"

    @property
    def depth(self) -> int:
        return len(self.var_z) - 1

    def predicted(self) -> np.ndarray:
        """The source article's prediction Var(a[l]) = k^l·Var(x), l = 0..depth."""
        return self.var_a[0] * self.k ** np.arange(self.depth + 1)

    def predicted_he(self) -> np.ndarray:
        """He et al.'s prediction for ReLU: E[a[l]²] = (k/2)^l·E[x²], l = 0..depth."""
        return self.mean_square_a[0] * (self.k / 2.0) ** np.arange(self.depth + 1)

    def layer_factors(self) -> np.ndarray:
        """The factor of each layer, v[l]/v[l-1] for l = 1..depth, where v[l] = E[a[l]²] is the
        mean square over every example and unit of the layer (Var(a[l]) for the zero-mean
        linear and tanh layers, and He et al.'s quantity for ReLU)."""
        ms = self.mean_square_a
        return ms[1:] / ms[:-1]

    def layer_factor(self) -> float:
        """The geometric mean of :meth:`layer_factors`, (v[L]/v[0])^(1/L): k for linear layers,
        k/2 for ReLU (:meth:`expected_factor`)."""
        ms = self.mean_square_a
        return float((ms[-1] / ms[0]) ** (1.0 / self.depth))

    def _spread_constant(self) -> float:
        if self.activation not in _SQUARE_SPREAD:
            raise ValueError(f"activation must be one of {', '.join(_SQUARE_SPREAD)} for a per-layer spread; "
                             f"got {self.activation!r} (a {self.activation} layer's expected factor depends on "
                             "the variance it receives)")
        return _SQUARE_SPREAD[self.activation]

    def expected_factor(self) -> float:
        """What one layer multiplies E[a²] by, in expectation: k (linear), k/2 (ReLU)."""
        self._spread_constant()
        return self.k / 2.0 if self.activation == "relu" else self.k

    def factor_spread(self) -> float:
        """The largest relative spread (sd/mean) of one layer's factor: √(2/n) linear, √(5/n) ReLU.

        Given what enters the layer, its n units are independent. For one input, each unit's
        g(z)² has relative spread √2 (z² is a scaled χ²₁) or √5 (ReLU(z)², variance 5s⁴/4
        against the mean s²/2; :func:`initreg.square_spread`), so their mean has √(2/n) or
        √(5/n). Several inputs average them, which can only lower the spread (the sd of a
        sum is at most the sum of the sds); inputs that all point the same way keep it.
        """
        return self._spread_constant() / math.sqrt(self.width)

    def factor_tolerance(self, z: float = 4.0) -> float:
        """``z`` times the largest standard deviation of log :meth:`layer_factor`: z·spread/√L.

        The log of the geometric mean is the mean of the L layers' log factors, whose
        spreads are at most :meth:`factor_spread` each (log f ≈ f − 1 for a small spread) and
        which are uncorrelated: each layer's fresh W has the same expected factor whatever
        it receives.
        """
        z = v.positive(z, "z")
        return z * self.factor_spread() / math.sqrt(self.depth)


#: sd/mean of one unit's g(z)² for z ~ N(0, s²), g linear or ReLU: √2 and √5
#: (:func:`initreg.square_spread` derives them; a test compares).
_SQUARE_SPREAD: dict[str, float] = {"linear": math.sqrt(2.0), "relu": math.sqrt(5.0)}

#: The schemes :func:`signal_propagation` accepts by name: those with a variance of their own.
_PROPAGATION_SCHEMES = ("standard", "xavier", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform")


def _g(kind: str, z: np.ndarray) -> np.ndarray:
    if kind == "tanh":
        return np.tanh(z)
    if kind == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    if kind == "relu":
        return np.maximum(z, 0.0)
    return z


def _log_axis(ax: Axes, axis: str = "y", lo: float | None = None, hi: float | None = None) -> None:
    """A log axis with at most ~6 plain-text decade labels and no minor ticks (cheap to draw)."""
    from matplotlib import ticker

    getattr(ax, f"set_{axis}scale")("log")
    target = ax.yaxis if axis == "y" else ax.xaxis
    if lo is not None and hi is not None:
        getattr(ax, f"set_{axis}lim")(lo, hi)
        span = max(1, int(np.ceil(np.log10(hi) - np.floor(np.log10(lo)))))
        step = max(1, int(np.ceil(span / 5)))
        decades = np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1, step)
        target.set_major_locator(ticker.FixedLocator(10.0 ** decades))
    else:
        target.set_major_locator(ticker.LogLocator(numticks=6))
    target.set_minor_locator(ticker.NullLocator())
    target.set_major_formatter(ticker.FuncFormatter(_decade_label))


def _decade_label(y: float, _pos: object = None) -> str:
    if y <= 0 or not np.isfinite(y):
        return ""
    e = int(round(np.log10(y)))
    if abs(np.log10(y) - e) > 1e-6:
        return f"{y:.2g}"
    return {0: "1", 1: "10", -1: "0.1", -2: "0.01", -3: "0.001"}.get(e, f"1e{e}")


def _fixed_layout(fig: Figure, **adjust: float) -> dict[str, float]:
    """Swap the figure's constrained layout for fixed margins (a live redraw then costs about
    half as much); returns the margins as ``gridspec_kw`` for ``fig.subplots``."""
    fig.set_layout_engine("none")
    return {"left": 0.08, "right": 0.98, "bottom": 0.16, "top": 0.89, "wspace": 0.3, **adjust}


@_single_threaded
def signal_propagation(
    k: float | str,  # n·Var(w): every W[l] ~ N(0, k/n); or a scheme name
    depth: int,  # layers L
    activation: str,  # g, one of ACTIVATIONS
    *,
    width: int = 256,  # n = n[l] for every layer, inputs included
    m: int = 256,  # examples x ~ N(0, I)
    rng: np.random.Generator,
    keep: int = 2000,  # values of a[l] kept for histograms
) -> SignalPropagation:
    """Send ``m`` inputs x ~ N(0, I) through ``depth`` random layers a[l] = g(W[l] a[l-1]).

    Every W[l] has shape (n, n) with entries N(0, k/n), biases 0, so one layer multiplies
    Var(z) by k = n·Var(w) while g is linear ({ref}`chap-derivation`). ``k`` may instead
    name a scheme (``standard``, ``xavier``, ``glorot_*``, ``he_*``): W[l] is then drawn by
    :func:`initreg.init_weights` and k = n·:func:`initreg.init_variance` of that scheme.
    The variances are over every example and unit of a layer.
    """
    if isinstance(k, str):
        scheme = v.choice(k, "k (a scheme name)", _PROPAGATION_SCHEMES)
    else:
        scheme = "xavier×√k"
        k = v.positive(k, "k")
    depth = v.positive_int(depth, "depth")
    v.choice(activation, "activation", ACTIVATIONS)
    width = v.positive_int(width, "width")
    m = v.positive_int(m, "m")
    v.generator(rng)
    keep = v.positive_int(keep, "keep")
    if scheme == "xavier×√k":
        init = initializer("xavier", gain=math.sqrt(k))
    else:
        init = initializer(scheme)
        k = width * init_variance(width, width, scheme)
    a = rng.standard_normal((m, width))
    var_z = [a.var()]
    var_a = [a.var()]
    ms = [np.mean(a * a)]
    samples = [a.ravel()[:keep].copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(depth):
            z = a @ init(width, width, rng).T
            a = _g(activation, z)
            var_z.append(z.var())
            var_a.append(a.var())
            ms.append(np.mean(a * a))
            samples.append(a.ravel()[:keep].copy())
    return SignalPropagation(activation, float(k), width, np.array(var_z), np.array(var_a), np.array(ms), samples,
                             scheme)


# -------------------------------------------------------------------- plotting
def plot_layer_histograms(ax: Axes, stats: LayerStats, kind: str = "activations", *, bins: int = 60,
                          limits: tuple[float, float] | None = None, layers: Sequence[int] | None = None,
                          cmap: str = "viridis", legend: bool = True) -> None:
    """Draw the normalized histogram of a[l] (or ∂ℓ/∂z[l]) of each hidden layer as a line.

    Layers go from dark (layer 1) to light (layer L-1), as in Glorot and Bengio's
    figures 6 and 7. ``limits`` fixes the horizontal range (default: ±4 times the largest
    layer standard deviation, clipped to [-1, 1] for tanh activations).
    """
    v.choice(kind, "kind", ("activations", "gradients"))
    data = stats.activations if kind == "activations" else stats._grads()
    ls = list(stats.layers) if layers is None else [int(l) for l in layers]
    for l in ls:
        if not 1 <= l <= len(data):
            raise ValueError(f"layers must lie in 1..{len(data)}; got {l}")
    if limits is None:
        s = max(float(data[l - 1].std()) for l in ls)
        s = s if s > 0 else 1.0
        hi = 4.0 * s
        if kind == "activations" and all(stats.functions[l - 1] in ("tanh",) for l in ls):
            hi = min(hi, 1.0)
        limits = (-hi, hi)
        if kind == "activations" and all(stats.functions[l - 1] in ("sigmoid",) for l in ls):
            limits = (0.0, 1.0)
    colors = matplotlib.colormaps[cmap](np.linspace(0.0, 0.85, max(len(ls), 1)))
    edges = np.linspace(limits[0], limits[1], bins + 1)
    centers = 0.5 * (edges[1:] + edges[:-1])
    for c, l in zip(colors, ls):
        counts, _ = np.histogram(data[l - 1], bins=edges)
        total = data[l - 1].size
        ax.plot(centers, counts / total, color=c, lw=1.3, label=f"layer {l}")
    ax.set_xlim(*limits)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("fraction of values")
    ax.set_xlabel("activation value a[l]" if kind == "activations" else "back-propagated gradient ∂ℓ/∂z[l]")
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
    if legend:
        ax.legend(frameon=False, fontsize=7, ncol=1 if len(ls) <= 6 else 2)


def plot_signal_propagation(runs: Sequence[SignalPropagation], *, labels: Sequence[str] | None = None,
                            colors: Sequence[str] | None = None) -> Figure:
    """Var(a[l]) against l for each run (markers), with the prediction k^l·Var(x) (lines).

    For ReLU runs the measured quantity is E[a[l]²] and the prediction He's (k/2)^l·E[x²].
    """
    if not runs:
        raise ValueError("runs must not be empty")
    fig, axes = new_figure(6.4, 3.4)
    ax = axes[0, 0]
    default = [COLORS["sky blue"], COLORS["orange"], COLORS["reddish purple"], COLORS["bluish green"], COLORS["blue"]]
    for i, run in enumerate(runs):
        c = colors[i] if colors is not None else default[i % len(default)]
        lab = labels[i] if labels is not None else f"k = {run.k:g}"
        ls = np.arange(run.depth + 1)
        if run.activation == "relu":
            ax.plot(ls, run.mean_square_a, "o", ms=3.5, color=c, label=lab + " (E[a²])")
            ax.plot(ls, run.predicted_he(), "-", lw=1, color=c)
        else:
            ax.plot(ls, run.var_a, "o", ms=3.5, color=c, label=lab)
            ax.plot(ls, run.predicted(), "-", lw=1, color=c)
    ax.set_yscale("log")
    ax.set(xlabel="layer l", ylabel="Var(a[l])")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    return fig


# ------------------------------------------------------- the chapter 2 explorable
#: The deepest network of the figure's grid: one sampled run of this depth per
#: (activation, k) serves every shallower depth, which is a prefix of it.
_PROPAGATION_DEPTH = 40


@functools.lru_cache(maxsize=64)
def _propagation_run(activation: str, k: float, depth: int) -> SignalPropagation:
    return signal_propagation(k, depth, activation, width=200, m=200, rng=np.random.default_rng(12345))


def _propagation(activation: str, k: float, depth: int) -> SignalPropagation:
    """``signal_propagation(k, depth, activation, width=200, m=200, rng=default_rng(12345))``.

    The input and then W[1], W[2], ... are drawn in order from one generator, so the run of
    depth L is the first L layers of any deeper run: it is cut from a cached run of depth
    max(L, 40), and moving the depth slider costs no sampling.
    """
    run = _propagation_run(activation, k, max(depth, _PROPAGATION_DEPTH))
    if depth == run.depth:
        return run
    d = depth + 1
    return SignalPropagation(run.activation, run.k, run.width, run.var_z[:d], run.var_a[:d],
                             run.mean_square_a[:d], run.samples[:d], run.scheme)


def _decade_ticks(ax: Axes, lo: float, hi: float) -> None:
    """Set the y limits of a log axis prepared by :func:`_log_axis`, with its decade ticks."""
    from matplotlib import ticker

    ax.set_ylim(lo, hi)
    span = max(1, int(np.ceil(np.log10(hi) - np.floor(np.log10(lo)))))
    step = max(1, int(np.ceil(span / 5)))
    decades = np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1, step)
    ax.yaxis.set_major_locator(ticker.FixedLocator(10.0 ** decades))


#: The three histogram colours: first, middle and last layer.
_HIST_COLORS = (COLORS["sky blue"], COLORS["orange"], COLORS["vermillion"])


def _setup_propagation(fig: Figure) -> dict[str, object]:
    """Axes, empty artists and legends of :func:`variance_propagation_explorer`, built once."""
    from matplotlib.legend import Legend

    gs = _fixed_layout(fig, left=0.095, right=0.985, wspace=0.25, bottom=0.15, top=0.9)
    ax, hx = fig.subplots(1, 2, gridspec_kw={**gs, "width_ratios": [1.35, 1]})
    (article,) = ax.plot([], [], "-", color="0.45", lw=1.2)
    (he,) = ax.plot([], [], "--", color=COLORS["bluish green"], lw=1.2)
    (sampled,) = ax.plot([], [], "o", ms=3.2, color=COLORS["blue"])
    _log_axis(ax, "y", 1e-4, 1e2)
    ax.set_xlabel("layer l")
    ax.set_title(" ", fontsize=10, y=1.0)  # a fixed y: no title placement pass per frame
    ax.grid(alpha=0.3)
    # one legend with He's line (ReLU) and one without; update shows one of them
    article_label = "article: k^l Var(x), k = n·Var(w)"
    legends = {
        True: Legend(ax, [article, he, sampled], [article_label, "He: (k/2)^l E[x²]", "sampled E[a[l]²]"],
                     frameon=False, fontsize=7.5, loc="upper left"),
        False: Legend(ax, [article, sampled], [article_label, "sampled Var(a[l])"],
                      frameon=False, fontsize=7.5, loc="upper left"),
    }
    edges = np.linspace(-1.0, 1.0, 41)
    stairs = [hx.stairs(np.full(40, 0.01), edges, color=c, lw=1.4, label=f"a[{i}]")
              for i, c in enumerate(_HIST_COLORS)]
    _log_axis(hx, "y", 1e-3, 1.5)
    hx.set(xlabel="activation value", ylabel="fraction of values")
    hx.set_title("histograms of three layers", fontsize=10, y=1.0)
    hx.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
    hist_legend = hx.legend(frameon=False, fontsize=7.5, loc="upper right")  # where "best" put it
    # Everything but the left title has few states (limits, legend texts): drawn from rasters.
    for axes in (ax, hx):
        for axis in (axes.xaxis, axes.yaxis):
            axes.add_artist(_RasterCache(axis, _axis_key(axis)))
    hx.add_artist(_RasterCache(hx.title, lambda: None))
    texts, handles = hist_legend.get_texts(), hist_legend.legend_handles
    hx.add_artist(_RasterCache(hist_legend, lambda: tuple((t.get_text(), t.get_visible()) for t in texts)))
    shown = {}
    for with_he, leg in legends.items():
        shown[with_he] = _RasterCache(leg, lambda leg=leg: leg._loc)
        ax.add_artist(shown[with_he])
    return {"ax": ax, "hx": hx, "article": article, "he": he, "sampled": sampled, "legends": legends,
            "shown_legend": shown, "stairs": stairs, "hist_texts": texts, "hist_handles": handles}


def _update_propagation(state: dict, run: SignalPropagation, *, activation: str, k: float, depth: int) -> None:
    """Show one run in the artists of :func:`_setup_propagation`: data, limits and texts."""
    ax: Axes = state["ax"]
    hx: Axes = state["hx"]
    relu = activation == "relu"
    ls = np.arange(run.depth + 1)
    measured = run.mean_square_a if relu else run.var_a
    ok = np.isfinite(measured) & (measured > 0)
    state["article"].set_data(ls, run.predicted())
    state["he"].set_data(ls, run.predicted_he() if relu else [])
    state["he"].set_visible(relu)
    state["sampled"].set_data(ls[ok], measured[ok])
    for with_he, leg in state["legends"].items():
        state["shown_legend"][with_he].set_visible(with_he == relu)
        leg.set_loc("upper left" if k > 1 else "lower left")
    lo = min(1e-4, float(np.min(measured[ok])) / 3) if ok.any() else 1e-4
    hi = max(1e2, float(np.max(measured[ok])) * 3) if ok.any() else 1e2
    _decade_ticks(ax, max(lo, 1e-30), min(hi, 1e30))
    ax.set_xlim(-0.05 * run.depth, 1.05 * run.depth)  # the autoscaled view of layers 0..depth
    ax.set_ylabel("E[a[l]²]" if relu else "Var(a[l])")
    ax.title.set_text(f"{activation}, n·Var(w) = {k:.3g}, depth {depth}")
    pick = sorted({1, max(1, run.depth // 2), run.depth})
    sds = [float(np.std(run.samples[l])) for l in pick]
    sd = max(sds) if all(np.isfinite(sds)) and max(sds) > 0 else 1.0
    lo_x, hi_x = -4.0 * sd, 4.0 * sd
    if activation == "tanh":
        lo_x, hi_x = -1.0, 1.0
    elif relu:
        lo_x = 0.0
    edges = np.linspace(lo_x, hi_x, 41)
    texts, handles = state["hist_texts"], state["hist_handles"]
    for i, stairs in enumerate(state["stairs"]):  # depth 2 has two distinct layers, not three
        shown = i < len(pick)
        if shown:
            s = run.samples[pick[i]]
            s = s[np.isfinite(s)]
            counts, _ = np.histogram(np.clip(s, lo_x, hi_x), bins=edges)
            stairs.set_data(counts / max(s.size, 1), edges)
            texts[i].set_text(f"a[{pick[i]}]")
        for artist in (stairs, texts[i], handles[i]):
            artist.set_visible(shown)
    pad = 0.05 * (hi_x - lo_x)  # the autoscaled view of the histograms' range
    hx.set_xlim(lo_x - pad, hi_x + pad)


@register_figure
def variance_propagation_explorer() -> Explorable:
    """Chapter 2's figure: per-layer variance of a sampled deep network against (n·Var(w))^l.

    Width 200, 200 Gaussian inputs, W[l] ~ N(0, k/n). See {ref}`chap-derivation`.
    """
    def compute(activation: str, k: float, depth: int) -> SignalPropagation:
        return _propagation(activation, float(k), int(depth))

    return Explorable(
        _update_propagation,
        [Choice("activation", {"tanh": "tanh", "ReLU": "relu", "linear": "linear"}, label="activation"),
         Slider("k", 0.25, 4.0, grid=[0.5, 0.8, 1.0, 1.25, 2.0], log=True, label="n·Var(w)", default=1.0,
                fmt="{:.3g}"),
         Slider("depth", 2, 50, grid=[10, 40], integer=True, label="depth L", default=40)],
        setup=_setup_propagation,
        compute=compute,
        caption=("Variance of the activations of a real sampled network (width 200, W[l] ~ N(0, k/n)) "
                 "layer by layer, against the prediction (n·Var(w))^l·Var(x); for ReLU the mean square "
                 "E[a²] and He's prediction (n·Var(w)/2)^l. Right: histograms of the first, middle and last layer."),
        alt=("Log-scale plot of the variance of each layer of a {activation} network with n·Var(w) = {k} "
             "and depth {depth}, sampled values against the predicted line, and histograms of three layers."),
        name="fig-variance-propagation",
    )
