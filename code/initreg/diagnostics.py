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

from . import _validate as v
from .explorable import Choice, Explorable, Slider, register_figure
from .initializers import initializer
from .network import ACTIVATIONS, Network
from .plotting import COLORS, new_figure
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
    threads spin while waiting for a core.
    """
    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> object:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


#: The saturation thresholds: a tanh unit is saturated when |a| > 0.99, a sigmoid unit
#: when a < 0.01 or a > 0.99. In both cases g'(z) < 0.02 there (tanh' = 1 − a² < 0.0199,
#: σ' = a(1 − a) < 0.0099), so almost no gradient flows back through the unit.
SATURATION_LEVELS: dict[str, float] = {"tanh": 0.99, "sigmoid": 0.01}


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
    if np.isnan(arr).any():
        raise ValueError("a must not contain NaN")
    if activation == "tanh":
        return float(np.mean(np.abs(arr) > SATURATION_LEVELS["tanh"]))
    if activation == "sigmoid":
        lo = SATURATION_LEVELS["sigmoid"]
        return float(np.mean((arr < lo) | (arr > 1.0 - lo)))
    if activation == "relu":
        return float(np.mean(arr <= 0.0))
    return 0.0


class _Table:
    """Rows of numbers shown as an HTML table in a notebook and as aligned text elsewhere."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[object]], fmt: Sequence[str]) -> None:
        self.header = tuple(header)
        self.rows = [tuple(f.format(x) for f, x in zip(fmt, r)) for r in rows]

    def _repr_html_(self) -> str:
        import html

        pad = 'style="padding:0.1em 0.7em"'
        head = "".join(f"<th {pad}>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td {pad}>{html.escape(c)}</td>" for c in r) + "</tr>" for r in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __repr__(self) -> str:
        cols = list(zip(self.header, *self.rows))
        widths = [max(len(c) for c in col) for col in cols]
        line = lambda r: "  ".join(c.rjust(w) for c, w in zip(r, widths))  # noqa: E731
        return "\n".join([line(self.header), line(tuple("-" * w for w in widths))] + [line(r) for r in self.rows])


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
    ``samples[l]`` keeps a few hundred values of a[l] for histograms.
    """

    activation: str
    k: float
    width: int
    var_z: np.ndarray
    var_a: np.ndarray
    mean_square_a: np.ndarray
    samples: list[np.ndarray]

    @property
    def depth(self) -> int:
        return len(self.var_z) - 1

    def predicted(self) -> np.ndarray:
        """The source article's prediction Var(a[l]) = k^l·Var(x), l = 0..depth."""
        return self.var_a[0] * self.k ** np.arange(self.depth + 1)

    def predicted_he(self) -> np.ndarray:
        """He et al.'s prediction for ReLU: E[a[l]²] = (k/2)^l·E[x²], l = 0..depth."""
        return self.mean_square_a[0] * (self.k / 2.0) ** np.arange(self.depth + 1)

    def layer_factor(self) -> float:
        """The geometric mean of the per-layer factors, (v[L]/v[0])^(1/L), where v is Var(a[l])
        (E[a[l]²] for ReLU): k for linear layers, k/2 for ReLU."""
        v = self.mean_square_a if self.activation == "relu" else self.var_a
        return float((v[-1] / v[0]) ** (1.0 / self.depth))

    def factor_tolerance(self, z: float = 4.0) -> float:
        """``z`` standard deviations of log :meth:`layer_factor` for a network of this width.

        A layer of n units multiplies the variance by its expected factor times a random
        factor whose relative spread is at most √(2/n) (each unit's (w·a)² is a scaled χ²₁;
        √(5/(4n)) for ReLU's relu(w·a)²), independently across layers, so the mean over L
        layers of the log factor has standard deviation at most √(2/(nL)) (√(5/(4nL))).
        """
        z = v.positive(z, "z")
        c = 5.0 / 4.0 if self.activation == "relu" else 2.0
        return z * math.sqrt(c / (self.width * self.depth))


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
    k: float,  # n·Var(w): every W[l] ~ N(0, k/n)
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
    Var(z) by k = n·Var(w) while g is linear ({ref}`chap-derivation`). The variances are
    over every example and unit of a layer.
    """
    k = v.positive(k, "k")
    depth = v.positive_int(depth, "depth")
    v.choice(activation, "activation", ACTIVATIONS)
    width = v.positive_int(width, "width")
    m = v.positive_int(m, "m")
    v.generator(rng)
    keep = v.positive_int(keep, "keep")
    init = initializer("xavier", gain=math.sqrt(k))
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
    return SignalPropagation(activation, k, width, np.array(var_z), np.array(var_a), np.array(ms), samples)


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
@functools.lru_cache(maxsize=64)
def _propagation(activation: str, k: float, depth: int) -> SignalPropagation:
    return signal_propagation(k, depth, activation, width=200, m=200, rng=np.random.default_rng(12345))


def _draw_propagation(fig: Figure, run: SignalPropagation, *, activation: str, k: float, depth: int) -> None:
    gs = _fixed_layout(fig, left=0.095, right=0.985, wspace=0.25, bottom=0.15, top=0.9)
    ax, hx = fig.subplots(1, 2, gridspec_kw={**gs, "width_ratios": [1.35, 1]})
    ls = np.arange(run.depth + 1)
    measured = run.mean_square_a if activation == "relu" else run.var_a
    ok = np.isfinite(measured) & (measured > 0)
    ax.plot(ls, run.predicted(), "-", color="0.45", lw=1.2, label="article: k^l Var(x), k = n·Var(w)")
    if activation == "relu":
        ax.plot(ls, run.predicted_he(), "--", color=COLORS["bluish green"], lw=1.2, label="He: (k/2)^l E[x²]")
    ax.plot(ls[ok], measured[ok], "o", ms=3.2, color=COLORS["blue"],
            label="sampled E[a[l]²]" if activation == "relu" else "sampled Var(a[l])")
    lo = min(1e-4, float(np.min(measured[ok])) / 3) if ok.any() else 1e-4
    hi = max(1e2, float(np.max(measured[ok])) * 3) if ok.any() else 1e2
    _log_axis(ax, "y", max(lo, 1e-30), min(hi, 1e30))
    ax.set(xlabel="layer l", ylabel="E[a[l]²]" if activation == "relu" else "Var(a[l])",
           title=f"{activation}, n·Var(w) = {k:.3g}, depth {depth}")
    ax.title.set_fontsize(10)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=7.5, loc="upper left" if k > 1 else "lower left")
    pick = sorted({1, max(1, run.depth // 2), run.depth})
    cols = [COLORS["sky blue"], COLORS["orange"], COLORS["vermillion"]]
    sds = [float(np.std(run.samples[l])) for l in pick]
    sd = max(sds) if all(np.isfinite(sds)) and max(sds) > 0 else 1.0
    lo_x, hi_x = -4.0 * sd, 4.0 * sd
    if activation == "tanh":
        lo_x, hi_x = -1.0, 1.0
    elif activation == "relu":
        lo_x = 0.0
    edges = np.linspace(lo_x, hi_x, 41)
    for c, l in zip(cols, pick):
        s = run.samples[l]
        s = s[np.isfinite(s)]
        counts, _ = np.histogram(np.clip(s, lo_x, hi_x), bins=edges)
        hx.stairs(counts / max(s.size, 1), edges, color=c, lw=1.4, label=f"a[{l}]")
    _log_axis(hx, "y", 1e-3, 1.5)
    hx.set(xlabel="activation value", ylabel="fraction of values", title="histograms of three layers")
    hx.title.set_fontsize(10)
    hx.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
    hx.legend(frameon=False, fontsize=7.5)


@register_figure
def variance_propagation_explorer() -> Explorable:
    """Chapter 2's figure: per-layer variance of a sampled deep network against (n·Var(w))^l.

    Width 200, 200 Gaussian inputs, W[l] ~ N(0, k/n). See {ref}`chap-derivation`.
    """
    def compute(activation: str, k: float, depth: int) -> SignalPropagation:
        return _propagation(activation, float(k), int(depth))

    return Explorable(
        _draw_propagation,
        [Choice("activation", {"tanh": "tanh", "ReLU": "relu", "linear": "linear"}, label="activation"),
         Slider("k", 0.25, 4.0, grid=[0.5, 0.8, 1.0, 1.25, 2.0], log=True, label="n·Var(w)", default=1.0,
                fmt="{:.3g}"),
         Slider("depth", 2, 50, grid=[10, 40], integer=True, label="depth L", default=40)],
        compute=compute,
        caption=("Variance of the activations of a real sampled network (width 200, W[l] ~ N(0, k/n)) "
                 "layer by layer, against the prediction (n·Var(w))^l·Var(x); for ReLU the mean square "
                 "E[a²] and He's prediction (n·Var(w)/2)^l. Right: histograms of the first, middle and last layer."),
        alt=("Log-scale plot of the variance of each layer of a {activation} network with n·Var(w) = {k} "
             "and depth {depth}, sampled values against the predicted line, and histograms of three layers."),
        name="fig-variance-propagation",
    )
