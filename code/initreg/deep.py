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
* :func:`deep_init_playground`: an interactive figure of every layer's activations and
  gradients at initialization for a chosen depth, activation, scheme and scale;
  :func:`playground_sweep` measures its network over a range of scales.

The two interactive figures are drawn as ``setup`` + ``update`` (see
:class:`initreg.Explorable`). Their setups also render what never changes (ticks, labels,
titles) once and copy those pixels behind each frame (:func:`_bake_background`), and draw
the legends from pixels saved once per content (:class:`_StampedLegend`): a frame then
draws only the data, the changing texts and axes, at the same pixels as a plain drawing.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import matplotlib
import numpy as np
from matplotlib import ticker
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from . import _validate as v
from .datasets import DataSplit, load_digits
from .diagnostics import (LayerStats, TrainingStats, _decade_label, _decade_ticks, _single_threaded, _Table,
                          layer_stats, plot_layer_histograms, track_layer_stats)
from ._explorable_v1 import Choice, Explorable, Slider, Stamp, _paste, _pin_axis_labels, _stamp, register_figure
from .initializers import INIT_SCHEMES, Initializer, initializer
from .network import ACTIVATIONS, Network
from .figures.style import COLORS, INIT_COLORS, new_figure
from .training import History, train

__all__ = [
    "InitStudy",
    "glorot_bengio_study",
    "plot_glorot_bengio",
    "AI_NOTES_INITS",
    "ai_notes_study",
    "AINotesRepeats",
    "ai_notes_repeats",
    "plot_ai_notes",
    "ai_notes_explorer",
    "HeStudy",
    "he_study",
    "plot_he_study",
    "deep_playground_stats",
    "PlaygroundSweep",
    "playground_sweep",
    "deep_init_playground",
]


def _log_y(ax: Axes, lo: float, hi: float) -> None:
    """Make the y axis logarithmic (once, in a setup): plain decade labels, no minor ticks
    (then :func:`_decade_ticks` per frame)."""
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(ticker.NullLocator())
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(_decade_label))
    _decade_ticks(ax, lo, hi)


def _pin_labels(fig: Figure) -> None:
    """:func:`~initreg.explorable._pin_axis_labels`, and every axes title pinned where
    matplotlib put it (clear of the tick labels)."""
    _pin_axis_labels(fig)
    for ax in fig.axes:
        ax.set_title(ax.title.get_text(), y=ax.title.get_position()[1], fontsize=ax.title.get_fontsize())


class _Backdrop(Artist):
    """The unchanging part of a figure, rendered once and copied behind each frame (blitting).

    ``baked`` are the artists the saved pixels show. At an Agg draw of the size they were
    rendered at, these artists are hidden and the pixels are copied in first (a memory copy);
    at any other size or with another renderer (a ``savefig`` with another dpi, a PDF), the
    copy is skipped and the artists are drawn as usual.
    """

    def __init__(self, region: Any, baked: list[Artist], size: tuple[float, float, float]) -> None:
        super().__init__()
        self.set_zorder(-1)  # before the axes
        self.region = region
        self.baked = baked
        self.size = size

    def draw(self, renderer: Any) -> None:
        fits = isinstance(renderer, RendererAgg) and (renderer.width, renderer.height, renderer.dpi) == self.size
        for a in self.baked:
            if a.get_visible() == fits:
                a.set_visible(not fits)
        if fits:
            renderer.restore_region(self.region)
        self.stale = False


def _bake_background(fig: Figure, live: list[Artist]) -> None:
    """Render everything of ``fig`` but ``live`` (and the axes' spines) once, as a :class:`_Backdrop`.

    Text (tick labels, axis labels, titles) is most of the cost of a matplotlib frame; a
    setup calls this last (after :func:`_pin_labels`), so that a frame then draws the saved
    pixels and the ``live`` artists, the ones the update changes (data, changing texts, axes
    with changing ticks). The label of a live axis does not change: it is baked too, as a
    copy. The baked axes keep their limits (autoscaling is turned off for them). Needs an Agg
    canvas, as :class:`~initreg.Explorable` and Jupyter's inline backend give; otherwise
    does nothing.
    """
    if not isinstance(fig.canvas, FigureCanvasAgg):
        return
    for axis in [a for a in live if isinstance(a, Axis) and a.label.get_text()]:
        label = axis.label
        copy = Text(text=label.get_text())
        copy.update_from(label)  # font, colour, alignment, rotation, position's transform
        copy.set_rotation_mode(label.get_rotation_mode())
        copy.set_position(label.get_position())
        fig.add_artist(copy)
        axis.set_label_text("")
    live_set = set(live) | {s for ax in fig.axes for s in ax.spines.values()}
    baked = [c for ax in fig.axes for c in ax.get_children() if c not in live_set and c.get_visible()]
    baked += [t for t in [*fig.texts, *fig.artists] if t not in live_set and t.get_visible()]
    for ax in fig.axes:
        if ax.xaxis in baked:
            ax.set_xlim(ax.get_xlim())
        if ax.yaxis in baked:
            ax.set_ylim(ax.get_ylim())
    shown = [a for a in live_set if a.get_visible()]
    for a in shown:
        a.set_visible(False)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    region = fig.canvas.copy_from_bbox(fig.bbox)
    for a in shown:
        a.set_visible(True)
    fig.add_artist(_Backdrop(region, baked, (renderer.width, renderer.height, renderer.dpi)))


class _StampedLegend(Artist):
    """A legend drawn from saved pixels, placed where ``loc`` (e.g. "best") would place it.

    matplotlib lays a legend out again at every draw (a tree of boxes around its texts):
    about a quarter of a playground frame. This artist keeps a real
    :class:`~matplotlib.legend.Legend` for each content (``key``, with its handles and
    labels), renders it once per position into a transparent buffer and then composites
    those pixels. For "best" it scores the nine positions as matplotlib does (vertices and
    crossings of the axes' lines and patches inside the box, ties to the lower code). With
    a renderer other than Agg it draws the real legend.
    """

    def __init__(self, ax: Axes, *, loc: str | int = "best", **legend_kw: Any) -> None:
        super().__init__()
        self.set_zorder(Legend.zorder)
        self.ax = ax
        self.loc = loc
        self.kw = legend_kw
        self.key: Any = None
        self.legend: Legend | None = None
        self._legends: dict[Any, Legend] = {}
        self._boxes: dict[Any, dict[int, Any]] = {}
        self._stamps: dict[Any, Stamp | None] = {}

    def set_entries(self, key: Any, handles: Sequence[Artist], labels: Sequence[str]) -> None:
        """Show the legend of ``handles`` (their current look) and ``labels``, known by ``key``."""
        if key not in self._legends:
            self._legends[key] = Legend(self.ax, list(handles), list(labels), **self.kw)
        self.key, self.legend = key, self._legends[key]
        self.stale = True

    def _candidates(self, renderer: RendererAgg) -> dict[int, Any]:
        k = (self.key, renderer.width, renderer.height, renderer.dpi)
        if k not in self._boxes:
            codes = range(1, len(Legend.codes)) if self.loc == "best" else [Legend.codes.get(self.loc, self.loc)]
            boxes = {}
            for code in codes:
                self.legend.set_loc(code)
                boxes[code] = self.legend.get_window_extent(renderer)
            self._boxes[k] = boxes
        return self._boxes[k]

    def _best(self, boxes: dict[int, Any]) -> int:
        if len(boxes) == 1:
            return next(iter(boxes))
        lines, bboxes = [], []  # as Legend._auto_legend_data (these axes have no collections or texts)
        for a in [*self.ax.lines, *self.ax.patches]:
            if isinstance(a, Rectangle):
                bboxes.append(a.get_bbox().transformed(a.get_data_transform()))
            else:
                lines.append(a.get_transform().transform_path(a.get_path()))
        candidates = []
        for code, box in boxes.items():
            badness = (sum(box.count_contains(p.vertices) for p in lines) + box.count_overlaps(bboxes)
                       + sum(p.intersects_bbox(box, filled=False) for p in lines))
            candidates.append((badness, code))
            if badness == 0:
                break
        return min(candidates)[1]

    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or self.legend is None:
            return
        if not isinstance(renderer, RendererAgg):
            self.legend.set_loc(self.loc)
            self.legend.draw(renderer)
            return
        code = self._best(self._candidates(renderer))
        k = (self.key, code, renderer.width, renderer.height, renderer.dpi)
        if k not in self._stamps:
            self.legend.set_loc(code)
            self._stamps[k] = _stamp(self.legend.draw, RendererAgg(renderer.width, renderer.height, renderer.dpi))
        _paste(renderer, self._stamps[k])
        self.stale = False


def _check_data(data: object) -> DataSplit:
    if not isinstance(data, DataSplit):
        raise TypeError(f"data must be an initreg.DataSplit (e.g. initreg.load_digits()); got {type(data).__name__}")
    return data


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

    def table(self) -> _Table:
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
        return _Table(header, list(zip(*[c.tolist() for c in cols])), fmt)

    def __repr__(self) -> str:
        return f"InitStudy(sizes={list(self.sizes)}, schemes={list(self.stats)})"


@_single_threaded
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
    data = _check_data(data)
    width = v.positive_int(width, "width")
    depth = v.positive_int(depth, "depth")
    v.choice(activation, "activation", ACTIVATIONS)
    n_examples = v.positive_int(n_examples, "n_examples")
    seed = v.nonneg_int(seed, "seed")
    if isinstance(schemes, str) or not schemes:
        raise ValueError("schemes must be a non-empty sequence of scheme names")
    sub = data.subset(min(n_examples, len(data.y_train)), rng=np.random.default_rng(seed))
    sizes = (data.n_features, *([width] * depth), data.n_classes)
    stats = {}
    for s in schemes:
        net = Network(sizes, activation, init=s, rng=np.random.default_rng(seed + 1))
        stats[s] = layer_stats(net, sub.X_train, sub.y_train)
    return InitStudy(sizes, stats)


def plot_glorot_bengio(study: InitStudy) -> Figure:
    """Per-layer histograms (rows: schemes; columns: activations, back-propagated gradients).

    The layout of Glorot and Bengio's figures 6 (activations) and 7 (gradients), side by
    side; every panel of a column shares its horizontal range.
    """
    if not isinstance(study, InitStudy):
        raise TypeError(f"study must be an InitStudy; got {type(study).__name__}")
    names = list(study.stats)
    fig, axes = new_figure(8.0, 2.3 * len(names), ncols=2, nrows=len(names))
    gmax = max(float(st.gradient_std.max()) for st in study.stats.values())
    for r, n in enumerate(names):
        st = study.stats[n]
        plot_layer_histograms(axes[r, 0], st, "activations", limits=(-1.0, 1.0), bins=80, legend=(r == 0))
        plot_layer_histograms(axes[r, 1], st, "gradients", limits=(-4 * gmax, 4 * gmax), bins=80, legend=False)
        for c in range(2):
            axes[r, c].set_title(f"{n} init: " + ("activations" if c == 0 else "back-propagated gradients"),
                                 fontsize=9, color=INIT_COLORS.get(n, "k"))
            if r < len(names) - 1:
                axes[r, c].set_xlabel("")
    return fig


# ------------------------------------------------------------------ the AI Notes
#: The AI Notes' four initializations, by label: zero, uniform U[±1/√n] (Glorot's
#: "standard"), Xavier N(0, 1/n) and standard normal N(0, 1). Each plays a role colour.
AI_NOTES_INITS: dict[str, tuple[str, str]] = {
    "zero": ("zeros", "zero"),
    "uniform U(±1/√n)": ("standard", "too small"),
    "Xavier N(0, 1/n)": ("xavier", "appropriate"),
    "standard normal N(0, 1)": ("normal", "too large"),
}


_SHORT = {"zero": "zero", "uniform U(±1/√n)": "uniform", "Xavier N(0, 1/n)": "Xavier",
          "standard normal N(0, 1)": "N(0, 1)"}


def _ai_init(label: str) -> Initializer | str:
    scheme = AI_NOTES_INITS[label][0]
    return initializer("normal", scale=1.0) if scheme == "normal" else scheme


@functools.lru_cache(maxsize=8)  # the chapter's five seeds, and a few more
@_single_threaded
def _ai_notes_cached(hidden: tuple[int, ...], epochs: int, lr: float, batch_size: int,
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
    are cached, so the chapter and its interactive figure train once. See {ref}`chap-deep`.
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
    return _ai_notes_cached(hid, epochs, lr, batch_size, snaps, n_stats, seed)


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

    def table(self) -> _Table:
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
        return _Table(header, rows, ["{}"] * len(header))

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
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise ValueError("seeds must be a non-empty sequence of non-negative integers")
    picked = [v.nonneg_int(s, "seeds") for s in seeds]
    if len(set(picked)) != len(picked):
        raise ValueError(f"seeds must be distinct; got {list(seeds)}")
    return AINotesRepeats({s: ai_notes_study(hidden=hidden, epochs=epochs, lr=lr, batch_size=batch_size,
                                             snapshots=snapshots, n_stats=n_stats, seed=s) for s in picked})


_AI_EDGES = np.linspace(-1.0, 1.0, 41)


def _setup_ai_notes(fig: Figure, runs: dict[str, TrainingStats]) -> SimpleNamespace:
    """The axes and artists of :func:`ai_notes_explorer`, built once; :func:`_update_ai_notes` fills them."""
    n_layers = len(next(iter(runs.values())).stats[0].activations)
    fig.set_layout_engine("none")  # fixed margins: the same geometry for every frame
    gs = fig.add_gridspec(1, n_layers + 2, left=0.09, right=0.985, wspace=0.16, bottom=0.16, top=0.84,
                          width_ratios=[1] * n_layers + [0.12, 1.45])
    heading = fig.text(0.09, 0.95, "", fontsize=9.5, va="center")
    bars = []
    for l in range(1, n_layers + 1):
        ax = fig.add_subplot(gs[0, l - 1])
        bars.append(ax.stairs(np.full(len(_AI_EDGES) - 1, 1e-4), _AI_EDGES, baseline=1e-4, color="k", fill=True,
                              alpha=0.85))
        _log_y(ax, 1e-3, 1.5)
        ax.set_xticks([-1, 0, 1])
        ax.set_xlabel(f"a[{l}]")
        ax.set_title(f"layer {l}", fontsize=9)
        if l == 1:
            ax.set_ylabel("fraction of values")
        else:
            ax.tick_params(labelleft=False)
    ax = fig.add_subplot(gs[0, -1])
    curves = {}
    for label, r in runs.items():
        c = INIT_COLORS[AI_NOTES_INITS[label][1]]
        (curves[label],) = ax.plot(r.history.epoch, r.history.test_accuracy, color=c, label=_SHORT[label])
    (marker,) = ax.plot([0], [0.5], "o", ms=6)
    ax.set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1.02))
    ax.autoscale_view()
    ax.set_xlim(ax.get_xlim())  # the curves' range, whatever the marker shows
    ax.set_title(" ", fontsize=8.5)
    ax.grid(alpha=0.3)
    keys = _StampedLegend(ax, frameon=False, fontsize=6.5, loc="lower right")
    ax.add_artist(keys)
    _pin_labels(fig)
    _bake_background(fig, [heading, *bars, *curves.values(), marker, ax.title, keys])
    return SimpleNamespace(heading=heading, bars=bars, curves=curves, keys=keys, marker=marker, acc_ax=ax)


def _update_ai_notes(state: SimpleNamespace, runs: dict[str, TrainingStats], init: str, epoch: int) -> None:
    run = runs[init]
    st = run.at(epoch)
    acc = run.accuracy_at(epoch, test=True)
    color = INIT_COLORS[AI_NOTES_INITS[init][1]]
    state.heading.set_text(f"initialization: {init}")
    state.heading.set_color(color)
    for bar, a in zip(state.bars, st.activations):
        counts, _ = np.histogram(np.clip(a, -1.0, 1.0), bins=len(_AI_EDGES) - 1, range=(-1.0, 1.0))  # fast path
        bar.set_data(np.maximum(counts / a.size, 1e-4))
        bar.set_facecolor(color)
    for label, line in state.curves.items():  # the chosen run in bold, in the plot and in its legend
        lw, alpha = (2.2, 1.0) if label == init else (1.0, 0.55)
        line.set_linewidth(lw)
        line.set_alpha(alpha)
    state.keys.set_entries(init, list(state.curves.values()), [_SHORT[label] for label in state.curves])
    state.marker.set_data([epoch], [acc])
    state.marker.set_color(color)
    state.acc_ax.title.set_text(f"epoch {epoch}: test accuracy {acc:.1%}")


def plot_ai_notes(runs: dict[str, TrainingStats], epoch: int) -> Figure:
    """Per-layer activation histograms of every initialization at ``epoch`` (rows) and accuracy."""
    if not isinstance(runs, dict) or not runs:
        raise TypeError("runs must be the dict returned by ai_notes_study")
    first = next(iter(runs.values()))
    epoch = v.nonneg_int(epoch, "epoch")
    if epoch not in first.epochs:
        raise ValueError(f"epoch must be one of the snapshots {first.epochs}; got {epoch}")
    n_layers = len(first.stats[0].activations)
    fig, axes = new_figure(8.0, 1.45 * len(runs) + 0.5, ncols=n_layers, nrows=len(runs), sharex=True, sharey=True)
    edges = np.linspace(-1.0, 1.0, 41)
    for r, (label, run) in enumerate(runs.items()):
        st = run.at(epoch)
        color = INIT_COLORS[AI_NOTES_INITS[label][1]]
        for l in range(n_layers):
            ax = axes[r, l]
            a = st.activations[l]
            counts, _ = np.histogram(np.clip(a, -1.0, 1.0), bins=edges)
            ax.stairs(np.maximum(counts / a.size, 1e-4), edges, baseline=1e-4, color=color, fill=True, alpha=0.85)
            _log_y(ax, 1e-3, 1.5)
            ax.set_xticks([-1, 0, 1])
            if r == 0:
                ax.set_title(f"layer {l + 1}", fontsize=9)
            if r == len(runs) - 1:
                ax.set_xlabel(f"a[{l + 1}]")
        acc = run.accuracy_at(epoch, test=True)
        axes[r, 0].set_ylabel(f"{label}\ntest accuracy {acc:.0%}", fontsize=7.5, color=color)
    return fig


@register_figure
def ai_notes_explorer() -> Explorable:
    """The AI Notes' visualization, live: pick an initialization and an epoch (cached training)."""
    study = ai_notes_study()
    epochs = next(iter(study.values())).epochs

    def compute(init: str, epoch: int) -> dict[str, TrainingStats]:
        return ai_notes_study()

    def setup(fig: Figure) -> SimpleNamespace:
        return _setup_ai_notes(fig, ai_notes_study())

    return Explorable(
        _update_ai_notes,
        [Choice("init", list(AI_NOTES_INITS), label="initialization", default="Xavier N(0, 1/n)"),
         Slider("epoch", 0, max(epochs), grid=list(epochs), integer=True, label="epoch")],
        setup=setup,
        compute=compute,
        caption=("A [64, 100, 100, 100, 10] tanh network trained on the digits from four initializations: "
                 "the histogram of every hidden layer's activations at the chosen epoch, and the test "
                 "accuracy of all four runs (the chosen one in bold)."),
        alt=("Histograms of the activations of three tanh layers after {epoch} epochs of training "
             "from the {init} initialization, next to the test-accuracy curves of four initializations."),
        name="fig-ai-notes-training",
    )


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


@_single_threaded
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
    data = _check_data(data)
    depth = v.positive_int(depth, "depth")
    width = v.positive_int(width, "width")
    n_nets = v.positive_int(n_nets, "n_nets")
    n_train = v.nonneg_int(n_train, "n_train")
    if n_train > n_nets:
        raise ValueError(f"n_train must be at most n_nets = {n_nets}; got {n_train}")
    epochs = v.positive_int(epochs, "epochs")
    n_stats = v.positive_int(n_stats, "n_stats")
    seed = v.nonneg_int(seed, "seed")
    if isinstance(schemes, str) or not schemes:
        raise ValueError("schemes must be a non-empty sequence of scheme names")
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


def plot_he_study(study: HeStudy) -> Figure:
    """Left: log₂ of E[a[l]²]/E[x²] per layer (mean of the networks, and their range) with
    He et al.'s predictions −l (1/n) and 0 (2/n). Right: test accuracy against epochs of every
    trained network (the first with markers)."""
    if not isinstance(study, HeStudy):
        raise TypeError(f"study must be a HeStudy; got {type(study).__name__}")
    fig, axes = new_figure(8.0, 3.2, ncols=2)
    ax, bx = axes[0]
    ls = np.arange(1, study.depth + 1)
    predicted = {"xavier": -ls.astype(float), "he_normal": np.zeros(study.depth)}
    names = {"xavier": "Xavier 1/n", "he_normal": "He 2/n"}
    for s, r in study.log2_ratios.items():
        c = INIT_COLORS.get(s, "k")
        lab = names.get(s, s)
        ax.fill_between(ls, r.min(axis=0), r.max(axis=0), color=c, alpha=0.2, lw=0)
        ax.plot(ls, r.mean(axis=0), "o", ms=3.5, color=c, label=f"{lab}: sampled")
        if s in predicted:
            ax.plot(ls, predicted[s], "-", lw=1, color=c, label=f"{lab}: predicted")
        runs = study.histories[s]
        for i, h in enumerate(runs):  # every trained run, the first one marked
            bx.plot(h.epoch, h.test_accuracy, "o-" if i == 0 else "-", ms=3, lw=1.4 if i == 0 else 0.8,
                    alpha=1.0 if i == 0 else 0.55, color=c,
                    label=(lab if len(runs) == 1 else f"{lab}: {len(runs)} runs, the first marked") if i == 0 else None)
    ax.set(xlabel="layer l", ylabel="log₂ E[a[l]²] / E[x²]")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=7.5)
    bx.axhline(0.1, color="0.5", ls=":", lw=1, label="chance (10 classes)")
    bx.set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1.02))
    bx.grid(alpha=0.3)
    bx.legend(frameon=False, fontsize=8)
    return fig


# ---------------------------------------------------------------- the playground
_PLAY_SCHEMES = {"standard U(±1/√n)": "standard", "Xavier N(0, 1/n)": "xavier", "He N(0, 2/n)": "he_normal"}


@functools.lru_cache(maxsize=256)
@_single_threaded
def _playground_stats(activation: str, scheme: str, scale: float, depth: int, width: int) -> LayerStats:
    data = _playground_data()
    net = Network((data[0].shape[1], *([width] * depth), 10), activation, init=initializer(scheme, gain=scale),
                  rng=np.random.default_rng(7))
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        return layer_stats(net, data[0], data[1])


def deep_playground_stats(activation: str, scheme: str, scale: float = 1.0, depth: int = 5,
                          width: int = 128) -> LayerStats:
    """The layer statistics :func:`deep_init_playground` shows, for the same settings.

    A [64, width × depth, 10] network with weights ``scale`` × a draw of ``scheme`` (seed 7),
    measured on 200 training digits (seed 0) with their labels. Cached.
    """
    v.choice(activation, "activation", ACTIVATIONS)
    v.choice(scheme, "scheme", INIT_SCHEMES)
    if scheme in ("constant", "normal", "uniform"):
        raise ValueError(f"scheme {scheme!r} needs its own scale; use one of the schemes that set a variance")
    scale = v.positive(scale, "scale")
    depth = v.positive_int(depth, "depth")
    width = v.positive_int(width, "width")
    return _playground_stats(activation, scheme, float(scale), depth, width)


@dataclass(frozen=True)
class PlaygroundSweep:
    """The playground's network at a range of scales: per scale, how the standard deviation of
    the activations and of the back-propagated gradients changes over the layers.

    ``activation_ratio`` is std a[L]/std a[1] (top over first), ``gradient_ratio`` is
    std ∂ℓ/∂z[1]/std ∂ℓ/∂z[L] (first over top: above 1, the gradients grow toward the input);
    the spreads are the largest standard deviation over the layers divided by the smallest;
    ``saturation`` is the mean saturated fraction over the layers.
    """

    activation: str
    scheme: str
    depth: int
    scales: np.ndarray
    activation_ratio: np.ndarray
    activation_spread: np.ndarray
    gradient_ratio: np.ndarray
    gradient_spread: np.ndarray
    saturation: np.ndarray

    def level_scale(self, kind: str) -> float:
        """The scale at which the activations (or the gradients) of the first and the last
        layer are equally wide: where ``activation_ratio`` (``gradient_ratio``) first reaches 1,
        interpolated linearly in log(scale) and log(ratio) between the two scales around it.
        NaN if it does not reach 1 on the sweep."""
        v.choice(kind, "kind", ("activations", "gradients"))
        r = self.activation_ratio if kind == "activations" else self.gradient_ratio
        above = np.flatnonzero(r >= 1.0)
        if above.size == 0 or above[0] == 0:
            return math.nan
        i = int(above[0])
        x0, x1 = np.log(self.scales[i - 1]), np.log(self.scales[i])
        y0, y1 = np.log(r[i - 1]), np.log(r[i])
        return float(np.exp(x0 + (0.0 - y0) * (x1 - x0) / (y1 - y0)))


def playground_sweep(activation: str, scheme: str, scales: Sequence[float], depth: int = 20,
                     width: int = 128) -> PlaygroundSweep:
    """:func:`deep_playground_stats` at every scale of ``scales`` (increasing), reduced to
    the per-scale ratios and spreads of :class:`PlaygroundSweep` (not cached). See {ref}`chap-deep`."""
    v.choice(activation, "activation", ACTIVATIONS)
    v.choice(scheme, "scheme", INIT_SCHEMES)
    if scheme in ("constant", "normal", "uniform"):
        raise ValueError(f"scheme {scheme!r} needs its own scale; use one of the schemes that set a variance")
    sc = v.array(scales, "scales", ndim=1)
    if sc.size < 2 or np.any(sc <= 0) or np.any(np.diff(sc) <= 0):
        raise ValueError("scales must be at least two positive, increasing numbers")
    depth = v.positive_int(depth, "depth")
    if depth < 2:
        raise ValueError(f"depth must be at least 2 (a first and a last layer); got {depth}")
    width = v.positive_int(width, "width")
    rows = []
    for scale in sc:
        st = _playground_stats.__wrapped__(activation, scheme, float(scale), depth, width)  # not kept in the cache
        a, g = st.activation_std, st.gradient_std
        with np.errstate(divide="ignore", invalid="ignore"):  # a layer of zeros: inf or NaN, as it is
            rows.append((a[-1] / a[0], a.max() / a.min(), g[0] / g[-1], g.max() / g.min(),
                         float(np.mean(st.saturation))))
    cols = np.array(rows, dtype=float).T
    return PlaygroundSweep(activation, scheme, depth, sc.astype(float), *cols)


@functools.lru_cache(maxsize=1)
def _playground_data() -> tuple[np.ndarray, np.ndarray]:
    d = load_digits(seed=0)
    rows = np.random.default_rng(0).choice(len(d.y_train), 200, replace=False)
    return d.X_train[rows], d.y_train[rows]


def _finite(x: np.ndarray) -> np.ndarray:
    return x[np.isfinite(x)]


#: The most layers whose histograms the playground shows.
_PLAY_SHOWN = 5
_HIDDEN = 1e-300  # a hidden histogram lies at this height, far below the axes


def _setup_playground(fig: Figure) -> SimpleNamespace:
    """The axes and artists of :func:`deep_init_playground`, built once; :func:`_update_playground` fills them."""
    fig.set_layout_engine("none")  # fixed margins: the same geometry for every frame
    gs = fig.add_gridspec(1, 3, left=0.085, right=0.99, wspace=0.32, bottom=0.15, top=0.88, width_ratios=[1, 1, 1.1])
    ax, gx, sx = (fig.add_subplot(gs[0, i]) for i in range(3))
    cols = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.85, _PLAY_SHOWN))
    stairs = {}
    for panel, name, title in ((ax, "a[l]", "activations"), (gx, "∂ℓ/∂z[l]", "back-propagated gradients")):
        stairs[panel] = [panel.stairs(np.ones(40), np.linspace(0.0, 1.0, 41), color=c, lw=1.3, label=f"layer {k + 1}")
                         for k, c in enumerate(cols)]
        _log_y(panel, 1e-3, 1.5)
        panel.set_xlabel(name)
        panel.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
        panel.set_title(title, fontsize=9)
    ax.set_ylabel("fraction of values")
    (a_line,) = sx.plot([], [], "o-", ms=3, color=COLORS["blue"], label="std a[l]")
    (g_line,) = sx.plot([], [], "s--", ms=3, color=COLORS["vermillion"], label="std ∂ℓ/∂z[l]")
    _log_y(sx, 1e-3, 1.0)
    sx.set_xlabel("layer l")
    sx.set_title(" ", fontsize=8.5)
    sx.grid(alpha=0.3)
    layer_keys = _StampedLegend(ax, frameon=False, fontsize=7)
    std_keys = _StampedLegend(sx, frameon=False, fontsize=7)
    std_keys.set_entries("std", [a_line, g_line], ["std a[l]", "std ∂ℓ/∂z[l]"])
    for panel, keys in ((ax, layer_keys), (sx, std_keys)):
        panel.add_artist(keys)
    _pin_labels(fig)
    # the histograms' y axes and titles never change; their x axes, the legends and the
    # right-hand panel's axes follow the values
    _bake_background(fig, [*stairs[ax], *stairs[gx], ax.xaxis, gx.xaxis, layer_keys, sx.xaxis, sx.yaxis, sx.title,
                           a_line, g_line, std_keys])
    return SimpleNamespace(ax=ax, gx=gx, sx=sx, stairs=stairs, a_line=a_line, g_line=g_line, layer_keys=layer_keys)


@functools.lru_cache(maxsize=256)
def _playground_view(activation: str, scheme: str, scale: float, depth: int, width: int) -> SimpleNamespace:
    """What :func:`deep_init_playground` draws for these values (cached): the layers shown and
    their colours; per histogram panel the bin edges, each shown layer's fractions and the x
    limits; the standard deviations per layer, the y limits of their panel and its title."""
    st = deep_playground_stats(activation, scheme, scale, depth, width)
    L = len(st.activations)
    show = sorted({int(round(x)) for x in np.linspace(1, L, min(L, _PLAY_SHOWN))})
    cols = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.85, len(show)))
    panels = []
    for kind, data in (("activations", st.activations), ("gradients", st.gradients)):
        values = [_finite(data[l - 1]) for l in show]
        top = max(float(np.std(x)) if x.size else 0.0 for x in values)
        hi = 4.0 * top if top > 0 and np.isfinite(top) else 1.0
        lo = -hi
        if kind == "activations" and activation == "tanh":
            lo, hi = -1.0, 1.0
        elif kind == "activations" and activation == "sigmoid":
            lo, hi = 0.0, 1.0
        elif kind == "activations" and activation == "relu":
            lo = 0.0
        edges = np.linspace(lo, hi, 41)
        fractions = []
        for x in values:  # bins=40 and a range take numpy's fast path to the same counts
            counts, _ = np.histogram(np.clip(x, lo, hi), bins=40, range=(lo, hi))
            fractions.append(counts / max(x.size, 1))
        pad = 0.05 * (hi - lo)  # matplotlib's default margins
        panels.append(SimpleNamespace(edges=edges, fractions=fractions, xlim=(lo - pad, hi + pad)))
    ls = st.layers
    a_sd, g_sd = st.activation_std, st.gradient_std
    ok_a = np.isfinite(a_sd) & (a_sd > 0)
    ok_g = np.isfinite(g_sd) & (g_sd > 0)
    both = np.concatenate([a_sd[ok_a], g_sd[ok_g]])
    lo, hi = (float(both.min()) / 2, float(both.max()) * 2) if both.size else (1e-3, 1.0)
    title = f"{activation}, {scheme} × {scale:.3g}, depth {depth}"
    if activation in ("tanh", "sigmoid"):
        title += f"\nsaturated units: {float(np.mean(st.saturation)):.1%}"
    return SimpleNamespace(show=show, cols=cols, panels=panels, a_sd=(ls[ok_a], a_sd[ok_a]),
                           g_sd=(ls[ok_g], g_sd[ok_g]), ylim=(max(lo, 1e-300), min(hi, 1e300)), title=title)


def _update_playground(state: SimpleNamespace, view: SimpleNamespace, *, activation: str, scheme: str,
                       scale: float, depth: int) -> None:
    ax, gx, sx = state.ax, state.gx, state.sx
    n = len(view.show)
    for panel, p in zip((ax, gx), view.panels):
        for k, art in enumerate(state.stairs[panel]):
            if k < n:
                art.set_data(p.fractions[k], p.edges, baseline=0.0)
                art.set_edgecolor(view.cols[k])
            else:  # out of sight, and out of the way of the legend's placement ("best")
                art.set_data(np.full(len(p.edges) - 1, _HIDDEN), p.edges, baseline=_HIDDEN)
            art.set_visible(k < n)
        panel.set_xlim(*p.xlim)
    state.layer_keys.set_entries(tuple(view.show), state.stairs[ax][:n], [f"layer {l}" for l in view.show])
    state.a_line.set_data(*view.a_sd)
    state.g_line.set_data(*view.g_sd)
    sx.relim()
    sx.autoscale_view(scalex=True, scaley=False)
    _decade_ticks(sx, *view.ylim)
    sx.title.set_text(view.title)


@register_figure
def deep_init_playground(width: int = 128) -> Explorable:
    """The initialization playground of {ref}`chap-deep`: every layer at initialization.

    A [64, width × depth, 10] network on 200 digits; weights ``scale`` × a draw of the
    scheme (variance scale² times the scheme's). Left to right: histograms of a[l] and of
    ∂ℓ/∂z[l] for up to five layers, and the standard deviation of both (and the saturated
    fraction) in every layer. ``width`` is fixed per figure (default 128).
    """
    width = v.positive_int(width, "width")

    def compute(activation: str, scheme: str, scale: float, depth: int) -> SimpleNamespace:
        return _playground_view(activation, scheme, float(scale), int(depth), width)

    return Explorable(
        _update_playground,
        [Choice("activation", {"tanh": "tanh", "sigmoid": "sigmoid", "ReLU": "relu", "linear": "linear"},
                label="activation"),
         Choice("scheme", _PLAY_SCHEMES, label="scheme", default="xavier"),
         Slider("scale", 0.25, 4.0, grid=[1.0, 2.0], log=True, label="scale (gain)", default=1.0,
                fmt="{:.3g}"),
         Slider("depth", 1, 30, grid=[5, 20], integer=True, label="depth L", default=5)],
        setup=_setup_playground,
        compute=compute,
        caption=(f"The initialization playground: a network of {width}-unit hidden layers at initialization "
                 "on 200 digits. Histograms of the activations and back-propagated gradients of up to five "
                 "layers (dark: first, light: last), and the standard deviation of both in every layer."),
        alt=("Histograms of activations and gradients, and per-layer standard deviations, of a {depth}-layer "
             "{activation} network initialized with {scheme} times {scale}."),
        name="fig-init-playground",
    )
